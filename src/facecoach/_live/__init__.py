"""A live run: the real-time loop, the terminal view, the keyboard, the wiring
of a session to real adapters, and export to audio files.
"""
