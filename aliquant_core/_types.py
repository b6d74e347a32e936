"""Type aliases shared by the public modules of :mod:`aliquant_core`."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: A scalar or anything :func:`numpy.asarray` turns into an array of floats.
ArrayLike = float | int | npt.ArrayLike

#: A float array, or a NumPy float scalar where every input was a scalar.
FloatArray = np.float64 | npt.NDArray[np.float64]

#: An array of regime names (see :data:`aliquant_core.model.REGIMES`), or one name.
RegimeArray = str | npt.NDArray[np.str_]
