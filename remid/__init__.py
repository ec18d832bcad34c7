"""remid: role-playing model generalization under distribution shift."""

from remid import config as _config  # noqa: F401  registers the config schemas (conf/ composes with them)
