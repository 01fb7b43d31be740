"""deepseek-migrate: find and rewrite retired DeepSeek model IDs."""

__version__ = "0.1.0"
