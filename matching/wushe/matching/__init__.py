"""The staffing optimiser: a problem in, a plan out (issue 4)."""
