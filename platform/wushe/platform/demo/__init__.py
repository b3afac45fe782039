"""The demo district: realistic synthetic data loaded through the ordinary commands."""

from wushe.platform.demo.district import DemoExistsError, DemoSpec, DemoSummary, load_demo

__all__ = ["DemoExistsError", "DemoSpec", "DemoSummary", "load_demo"]
