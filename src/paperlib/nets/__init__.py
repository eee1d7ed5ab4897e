"""Layer 1: networks that take plain sizes: member-batched MLPs and energies, RealNVP, the DCGAN digit nets."""
