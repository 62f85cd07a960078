"""A local privacy proxy for the Qwen (DashScope) and Kimi (Moonshot) chat APIs."""

__version__ = "0.1.0"
