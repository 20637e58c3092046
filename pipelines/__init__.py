"""Turnout: engagement analytics that tells a campaign how many people really act."""

__version__ = "0.1.0"
