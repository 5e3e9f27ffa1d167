# Sourced by the one shell script of proofs/ (kit/build.sh, npm run kit): the
# one command-line shape of every npm script (scripts/lib/cli.js): -h/--help prints usage and exits 0, any
# other argument is refused with exit 2. The caller defines usage() and sets
# CLI_NAME before sourcing.
for arg in "$@"; do
  case $arg in
    -h|--help) usage; exit 0 ;;
    *) printf '%s: unknown option %s\n\n' "$CLI_NAME" "$arg" >&2; usage >&2; exit 2 ;;
  esac
done
