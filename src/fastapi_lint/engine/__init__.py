"""The run: discovery -> per-file check -> result cache -> project pass -> fixes, baseline, add-noqa."""
