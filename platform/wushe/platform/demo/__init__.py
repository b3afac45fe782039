"""The demo district: realistic synthetic data loaded through the ordinary commands."""

from wushe.platform.demo.district import DemoSpec, load_demo

__all__ = ["DemoSpec", "load_demo"]
