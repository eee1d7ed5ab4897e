"""Layer 0: catalogue, profiles, typed settings, runtime, safe cache and files, devices, records, claims, paths, reported numbers."""
