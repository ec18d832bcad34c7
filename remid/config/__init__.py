"""Config schemas (Hydra ConfigStore) and start-up validation of ``_target_`` keywords."""

from remid.config.schemas import register

register()
