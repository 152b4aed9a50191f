"""branchtui: terminal dashboard for a town Party committee and its branches."""

__version__ = "0.1.0"
