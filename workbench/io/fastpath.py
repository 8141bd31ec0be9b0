"""Placeholder replaced below."""


def try_fast_load(source, format):
    return None
