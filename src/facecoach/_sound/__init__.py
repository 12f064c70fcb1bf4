"""Sound out: the output interface and its memory fakes, the device stream, the
mixer, cues, device listing and the speech engines.
"""
