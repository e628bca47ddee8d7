"""Analytics: pure functions from tidy pandas inputs to tidy outputs, no I/O.

Units: returns are **decimal** (0.05 = 5%) unless a name or docstring says ``pct``/percent.
French library data arrive in percent; convert once with :func:`returns.from_percent`.
"""
