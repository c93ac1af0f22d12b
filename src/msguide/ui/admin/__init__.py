"""Admin and IT tools for the desktop app: import with preview, history, export, settings,
diagnostics. `install_admin_tools(window)` adds them to the main window."""

from msguide.ui.admin.tools import AdminTools, install_admin_tools

__all__ = ["AdminTools", "install_admin_tools"]
