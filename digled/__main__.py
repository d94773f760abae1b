import sys

from digled.cli import main

sys.exit(main())
