#!/usr/bin/env bash
# check-engine-only.sh - fail when web/ states CORS rules again.
#
#   bash web/check-engine-only.sh
#
# Every decision, reason, check, console line, rejection text and fix the
# playground shows comes from the wasm engine (crates/corsim, through
# crates/corsim-wasm). This greps the page's own JavaScript (web/*.js; not
# web/tests, not the built web/pkg) for the marks of a second engine: the
# browsers' reason names and rejection texts, the safelists, the MIME
# essences a simple request may carry, the wording of checks and fixes, and
# tables of methods. A line may stay when it matches an ALLOW entry
# (file:regex) below, each with why.
set -uo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PATTERNS=(
  'Failed to fetch' 'NetworkError when' 'Load failed'                      # rejection texts
  'Access to fetch at' 'Cross-Origin Request Blocked' 'blocked by CORS'    # console lines
  'safelist'                                                               # CORS-safelisted anything
  'x-www-form-urlencoded' 'multipart/form-data'                            # simple-request MIME essences
  '(Allow|Wildcard)Origin[A-Z]' 'Preflight[A-Z][a-z]+[A-Z]' 'Disallowed(By|Redirect)' 'InvalidAllow'   # CorsError names
  'ERR_FAILED' 'CORSMissing' 'CORSNotSupportingCredentials'                # browsers' own names
  "'GET', *'HEAD', *'POST'" 'ok status' 'credentials mode' 'trailing slash' 'is not allowed'
  'never (CORS|redirected|carries)' "'\*' (is not|cannot|does not)"
  "'(cookie|referer|host|sec-|dnt|date|expect)'"                            # forbidden request-headers
)
# file:regex of lines allowed to match, with why.
ALLOW=(
  # The headline's words for a CORS failure (the reason itself is the engine's).
  "app.js:text: 'Blocked by CORS policy'"
  # Paste reading: a curl copy's Referer gives the page's origin, its Cookie
  # means credentials: 'include' (what the command did, not a CORS rule).
  "parse.js:n === '(referer|cookie)'"
  # axios's own default Content-Type for a string body (what the library
  # sends, not a CORS rule).
  "parse.js:typeof data === 'string' \\? 'application/x-www-form-urlencoded'"
  # A gallery case's title.
  'gallery.js:title: .Trailing slash'
)

status=0
for file in "$WEB"/*.js; do
  name="$(basename "$file")"
  [ "$name" = sw.js ] && continue
  for pat in "${PATTERNS[@]}"; do
    while IFS= read -r hit; do
      [ -z "$hit" ] && continue
      allowed=0
      for a in "${ALLOW[@]}"; do
        if [ "${a%%:*}" = "$name" ] && printf '%s' "$hit" | grep -qE -- "${a#*:}"; then allowed=1; fi
      done
      if [ "$allowed" = 0 ]; then
        echo "web/$name: a CORS rule or reason text in the page (/$pat/): $hit" >&2
        status=1
      fi
    done < <(grep -n -i -E -- "$pat" "$file" || true)
  done
done
[ "$status" = 0 ] && echo "web/: no CORS rules outside the engine"
exit "$status"
