"""The `huribot` command line: operators' and moderators' entry point.

Before numpy is first imported, its BLAS is kept to one thread (unless the operator chose
otherwise): the embedding model already uses every core, and BLAS threads spinning next to it
on the small matrix products of re-ranking made the answer's p99 ten times worse on two cores
(`bench/bench_answer.py`: 116 ms against 12.6 ms at 10k passages).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
