"""The desktop app: Qt widgets, item models and workers over the store's services."""
