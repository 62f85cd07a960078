"""The one exception type for configuration, and nothing else: runtime errors are builtin."""


class ConfigError(Exception):
    """A configuration or policy file is invalid. The message names the file, key and reason."""
