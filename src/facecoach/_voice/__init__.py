"""Voice in: the recogniser interface and its fakes, the segmenters, one module
per engine, language packs, models and their download, the microphone and
the command source that joins them.
"""
