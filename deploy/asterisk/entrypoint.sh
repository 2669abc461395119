#!/bin/sh
# Entrypoint of the hotline's Asterisk image: renders the repo's asterisk/templates/*.conf from the
# environment, then replaces itself with Asterisk in the foreground (exec: Asterisk gets the signals).
# It renders the same way libs/provisioning does for the dev chroot (every {{NAME}} from a variable,
# refuse a missing one or one holding control characters), so the tested config is the shipped one.
#   TEMPLATE_DIR       the templates copied into the image
#   ASTERISK_CONF_DIR  where the rendered files go; must be the astetcdir the templates declare
#   RENDER_ONLY=1      render and exit without Asterisk (test/deploy checks the templates this way)
set -eu
# Rendered files hold the ARI/AMI secrets: readable by the Asterisk user only.
umask 077

TEMPLATE_DIR=${TEMPLATE_DIR:-/usr/share/hotline/asterisk-templates}
ASTERISK_CONF_DIR=${ASTERISK_CONF_DIR:-/etc/asterisk}
fail() { echo "asterisk-entrypoint: $*" >&2; exit 1; }

# Replaces {{NAME}} (inner spaces allowed) with $NAME. No defaults here: compose (or docker run -e)
# supplies every value, so credentials in particular can never fall back to something guessable.
# Every unset or unsafe variable is reported, not only the first. awk rather than sed because
# values are secrets that may hold sed's special characters (/ & \).
render() {
  awk -v template="$(basename "$1")" '
    function complain(message) { print "asterisk-entrypoint: " message > "/dev/stderr"; failed = 1 }
    function check(name, value) {
      if (name !~ /^[A-Z][A-Z0-9_]*$/) complain(template ": malformed placeholder {{" name "}}")
      else if (value == "") complain("refusing to start: " name " is not set (used by " template ")")
      # A newline in a value would inject config lines (a second ARI user, permit=0.0.0.0).
      else if (value ~ /[[:cntrl:]]/) complain(name " contains a line break or control character")
    }
    {
      rest = $0; out = ""
      while (match(rest, /[{][{][^{}]*[}][}]/)) {
        name = substr(rest, RSTART + 2, RLENGTH - 4)
        gsub(/^ +| +$/, "", name)
        if (!(name in checked)) { checked[name] = 1; check(name, ENVIRON[name]) }
        out = out substr(rest, 1, RSTART - 1) ENVIRON[name]
        rest = substr(rest, RSTART + RLENGTH)
      }
      print out rest
    }
    END { exit failed }' "$1" > "$2"
}

[ -d "$TEMPLATE_DIR" ] || fail "template folder $TEMPLATE_DIR does not exist"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Render everything before touching the config folder, so one bad template changes nothing.
status=0
for template in "$TEMPLATE_DIR"/*.conf; do
  [ -f "$template" ] || fail "no *.conf templates in $TEMPLATE_DIR"
  render "$template" "$stage/$(basename "$template")" || status=1
done
[ "$status" -eq 0 ] || fail "configuration not rendered; set the variables named above"
# Belt and braces: anything still looking like a placeholder (e.g. an unclosed "{{") is a bug.
leftover=$(grep -l '{{' "$stage"/*.conf || true)
[ -z "$leftover" ] || fail "placeholders left in: $(echo "$leftover" | xargs -n1 basename | tr '\n' ' ')"

# Asterisk reads every other file from astetcdir: rendering elsewhere would silently use stale files.
etcdir=$(sed -n 's/^[[:space:]]*astetcdir[[:space:]]*=>*[[:space:]]*//p' "$stage/asterisk.conf" 2>/dev/null || true)
[ -z "$etcdir" ] || [ "${etcdir%/}" = "${ASTERISK_CONF_DIR%/}" ] ||
  fail "asterisk.conf sets astetcdir to $etcdir but ASTERISK_CONF_DIR is $ASTERISK_CONF_DIR"

# Exactly the template set, as in the dev chroot: no stale or packaged sample file is read.
mkdir -p "$ASTERISK_CONF_DIR"
rm -f "$ASTERISK_CONF_DIR"/*.conf
cp "$stage"/*.conf "$ASTERISK_CONF_DIR"/
# exec below skips the EXIT trap: clean up now.
rm -rf "$stage"
if [ "${RENDER_ONLY:-}" = 1 ]; then
  echo "asterisk-entrypoint: rendered $TEMPLATE_DIR into $ASTERISK_CONF_DIR"
  exit 0
fi

# The per-instance folders (run, spool, log, db...) the templates point at must exist before start.
sed -n 's/^[[:space:]]*ast[a-z]*dir[[:space:]]*=>*[[:space:]]*//p' "$ASTERISK_CONF_DIR/asterisk.conf" |
  while read -r dir; do
    [ -d "$dir" ] || mkdir -p "$dir" 2>/dev/null || fail "folder $dir (from asterisk.conf) is missing and cannot be created"
  done

# ARI stores channel recordings (messages callers leave) under astspooldir/recording: linked into the
# recordings volume, as libs/provisioning does in the dev chroot.
instance_dir=$(dirname "$ASTERISK_CONF_DIR")
mkdir -p "$instance_dir/recordings/messages" "$instance_dir/spool"
[ -L "$instance_dir/spool/recording" ] || ln -s "$instance_dir/recordings/messages" "$instance_dir/spool/recording"

# -f: foreground, no console (-c wants a terminal); -g: dump core on a crash, for the post-mortem;
# -n: no ANSI colours, which would otherwise litter `docker logs` and log shippers.
exec asterisk -C "$ASTERISK_CONF_DIR/asterisk.conf" -f -g -n
