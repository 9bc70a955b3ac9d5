"""The application: settings, CLI, wiring and transports."""
