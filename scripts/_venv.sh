# Sourced by demo.sh and test.sh: create .venv if missing, activate it, install restrack with dev extras.
# PYTHON picks the interpreter for a new venv (default python3, needs >= 3.10).
if [ ! -x .venv/bin/python ]; then
    echo "creating .venv" >&2
    "${PYTHON:-python3}" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
if ! python -m pip install -q -e '.[dev]' 2>/tmp/restrack-pip.$$; then
    # Offline with every dependency already present: build against the venv's own setuptools.
    if ! python -m pip install -q --no-build-isolation --no-deps -e . 2>>/tmp/restrack-pip.$$; then
        cat /tmp/restrack-pip.$$ >&2
        rm -f /tmp/restrack-pip.$$
        echo "error: could not install restrack into .venv (see pip's messages above)" >&2
        exit 1
    fi
    echo "note: installed offline without resolving dependencies" >&2
fi
rm -f /tmp/restrack-pip.$$
