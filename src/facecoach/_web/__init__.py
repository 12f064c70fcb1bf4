"""The local web app (``facecoach serve``) and the printable sheet (``facecoach sheet``)."""
