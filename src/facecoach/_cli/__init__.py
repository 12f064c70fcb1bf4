"""The command line: arguments become settings here, and nothing below sees them."""
