"""Run every benchmark: `make bench`."""
import importlib
import pkgutil
from pathlib import Path

for mod in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.endswith("_bench")):
    print(f"== {mod}")
    importlib.import_module(f"bench.{mod}").main()
