import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Keep the cache signing key of test runs away from the user's own.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="fastapi-lint-test-cache-"))
