"""Load balancers and orchestrators: `/healthz` (process up) and `/readyz` (ready for traffic)."""

from moderation.health.views import bp

__all__ = ["bp"]
