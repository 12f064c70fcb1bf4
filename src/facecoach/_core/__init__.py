"""The pure core: routines and their loader, the plan compiler, events and effects,
the session state machine, the simulated clock and the ports sources plug into.

Nothing here reads a clock, sleeps or touches a device.
"""
