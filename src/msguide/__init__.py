"""msguide: an offline reference app for people who work against modern slavery."""

__version__ = "0.1.0"
APP_NAME = "msguide"
