"""The Qt face. The only package that imports PySide6."""
