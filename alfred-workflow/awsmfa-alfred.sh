#!/bin/bash
# awsmfa's Alfred entry point for everything but the common keystroke: info.plist runs it with
# the user's input as an argument (never pasted into the script text):
#
#   awsmfa-alfred.sh list [QUERY]     Script Filter JSON: one item per profile (awsmfa list),
#                                     when awsmfa-alfred-list hands a keystroke on (see there)
#   awsmfa-alfred.sh login PROFILE    Run Script JSON for the notification (awsmfa login)
#   awsmfa-alfred.sh logout PROFILE   Run Script JSON for the notification (awsmfa logout)
#
# and for the steps that set a profile up without a terminal (a row marked "needs setup" leads
# through them; each step's choice travels to the next in a workflow variable):
#
#   awsmfa-alfred.sh setup-devices PROFILE  Script Filter JSON: the MFA devices to choose from
#   awsmfa-alfred.sh setup-items PROFILE    Script Filter JSON: the 1Password items with a
#                                           one-time password
#   awsmfa-alfred.sh setup PROFILE          Run Script JSON: awsmfa setup with the device
#                                           (awsmfa_setup_serial), the item (awsmfa_setup_op_item)
#                                           and awsmfa_setup_move_keys=1 for --move-keys
#   awsmfa-alfred.sh doctor                 Script Filter JSON: every check of awsmfa doctor
#
# A query that ends in a 6-digit one-time code ("work 123456") lists the profiles matching the
# rest, and ↩ logs in with that code: the row carries it to `login` as the workflow variable
# awsmfa_code, and `login` hands it to awsmfa on stdin, never in an argument list.
#
# It finds the awsmfa binary, turns the workflow's configuration (which Alfred exports as
# environment variables) into awsmfa's environment, and makes sure Alfred always gets JSON it
# can show, even when awsmfa is missing, blocked by macOS or dies without a word. Everything
# else - status, countdown, ranking, messages - is awsmfa's.
#
# Written for /bin/bash 3.2, the bash that macOS ships.

# Messages quote setting names with typographic quotes “ ”, on purpose.
# shellcheck disable=SC1111

set -u

# The folder of this script, absolute. Alfred runs it as ./awsmfa-alfred.sh from there. (No
# $(dirname …): Alfred runs the list on every keystroke, so this script avoids extra processes.)
case $0 in
    */*) workflow_dir=${0%/*} ;;
    *) workflow_dir=. ;;
esac
case $workflow_dir in
    /*) ;;
    .) workflow_dir=$PWD ;;
    ./*) workflow_dir=$PWD/${workflow_dir#./} ;;
    *) workflow_dir=$PWD/$workflow_dir ;;
esac

# Alfred starts workflows with a PATH of /usr/bin:/bin:/usr/sbin:/sbin. awsmfa runs 1Password's
# `op`, which Homebrew and 1Password's installer put in these folders.
PATH="$PATH:/opt/homebrew/bin:/usr/local/bin"
export PATH

# A code typed after the query reaches `login` in the variable awsmfa_code (Alfred exports a
# row's variables to the next script). Take it out of the environment at once, so that no
# program this script starts inherits it.
typed_code=${awsmfa_code:-}
unset awsmfa_code

# Whether $1 is a one-time code: exactly 6 ASCII digits (a set, not a range, which some
# locales widen).
is_code() {
    case $1 in
        [0123456789][0123456789][0123456789][0123456789][0123456789][0123456789]) return 0 ;;
        *) return 1 ;;
    esac
}

# A JSON string literal of $1.
json_string() {
    local s=$1 out='' c code i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            '"') out="$out\\\"" ;;
            \\) out="$out\\\\" ;;
            $'\n') out="$out\\n" ;;
            $'\r') out="$out\\r" ;;
            $'\t') out="$out\\t" ;;
            [[:cntrl:]])
                printf -v code '\\u%04x' "'$c"
                out="$out$code"
                ;;
            *) out="$out$c" ;;
        esac
    done
    printf '"%s"' "$out"
}

# Sets the variable named $1 to $2 with a leading ~ or ~/ expanded as the shell would; Alfred's
# text fields do not.
expand_home() {
    case $2 in
        \~) printf -v "$1" '%s' "$HOME" ;;
        \~/*) printf -v "$1" '%s' "$HOME/${2#\~/}" ;;
        *) printf -v "$1" '%s' "$2" ;;
    esac
}

# The workflow's configuration, as awsmfa's environment. Empty means "awsmfa's default".
if [[ -n "${awsmfa_duration:-}" ]]; then export AWSMFA_DURATION="$awsmfa_duration"; fi
if [[ -n "${awsmfa_remind:-}" ]]; then export AWSMFA_REMIND="$awsmfa_remind"; fi
if [[ -n "${awsmfa_op_path:-}" ]]; then expand_home AWSMFA_OP "$awsmfa_op_path"; export AWSMFA_OP; fi
# Alfred sets alfred_debug=1 while its debugger is open: show awsmfa's debug log there too.
if [[ "${alfred_debug:-}" == 1 && -z "${AWSMFA_LOG:-}" ]]; then export AWSMFA_LOG=debug; fi

# Where macOS users install awsmfa: `brew install` of the project's tap. package.sh writes the
# tap a release publishes here (AWSMFA_TAP); awsmfa/tap is the project's own.
brew_install='brew install awsmfa/tap/awsmfa'

# Sets `awsmfa` to the binary to run, or says why there is none: `problem` (an item's title),
# `problem_hint` (its subtitle: what to do) and `problem_message` (both in one line). The
# order is awsmfa-alfred-list's: "awsmfa path", Homebrew's (kept up to date by `brew
# upgrade`, and signed), the one bundled with the workflow, then PATH and ~/.cargo/bin.
awsmfa=''
problem=''
problem_hint=''
problem_message=''
find_awsmfa() {
    local candidate
    if [[ -n "${awsmfa_path:-}" ]]; then
        expand_home candidate "$awsmfa_path"
        if [[ -f "$candidate" && -x "$candidate" ]]; then
            awsmfa=$candidate
            return 0
        fi
        problem="“awsmfa path” is not an executable file"
        problem_hint="It is $candidate: correct or clear it in the workflow's Configure Workflow…"
        problem_message="“awsmfa path” ($candidate) is not an executable file: correct or clear it in the workflow's Configure Workflow…"
        return 1
    fi
    for candidate in /opt/homebrew/bin/awsmfa /usr/local/bin/awsmfa "$workflow_dir/awsmfa"; do
        if [[ -f "$candidate" && -x "$candidate" ]]; then
            awsmfa=$candidate
            return 0
        fi
    done
    for candidate in "$(type -P awsmfa)" "$HOME/.cargo/bin/awsmfa"; do
        if [[ -n "$candidate" && -f "$candidate" && -x "$candidate" ]]; then
            awsmfa=$candidate
            return 0
        fi
    done
    if [[ -f "$workflow_dir/awsmfa" ]]; then
        problem="The awsmfa bundled with this workflow is not executable"
        problem_hint="Install awsmfa with Homebrew ($brew_install), or reinstall the workflow"
        problem_message="$problem: install awsmfa with Homebrew ($brew_install), or reinstall the workflow"
    else
        problem="awsmfa is not installed"
        problem_hint="Install it with Homebrew ($brew_install), or set “awsmfa path” in Configure Workflow…"
        problem_message="awsmfa is not installed: install it with Homebrew ($brew_install), or set “awsmfa path” in the workflow's Configure Workflow…"
    fi
    return 1
}

# Whether macOS stopped awsmfa: it could not start (126) or was killed (137, SIGKILL), and the
# binary carries the quarantine attribute of a download, which is how Gatekeeper stops a
# binary that is not notarized. This script never removes the attribute: that is for the
# person to decide (Homebrew, or System Settings → Privacy & Security).
blocked_by_macos() {
    case ${OSTYPE:-} in darwin*) ;; *) return 1 ;; esac
    [[ $status -eq 126 || $status -eq 137 ]] || return 1
    xattr -p com.apple.quarantine "$awsmfa" >/dev/null 2>&1
}
blocked_title='macOS blocked awsmfa: it is not notarized'
blocked_hint="Install it with Homebrew ($brew_install), or allow it in System Settings → Privacy & Security, then try again"

# Runs awsmfa with the given arguments: its stdout into `output`, its exit status into `status`,
# its last stderr line into `last_error`. Its stderr then goes on to Alfred's debugger. Its
# stdin is the line in `stdin_line` when that is set, else /dev/null.
output=''
status=0
last_error=''
stdin_line=''
run_awsmfa() {
    local err_file line
    # A new file of this process's own (noclobber: never one that already exists).
    err_file="${TMPDIR:-/tmp}"
    err_file="${err_file%/}/awsmfa-alfred.$$.stderr"
    set -C
    if ! { : >"$err_file"; } 2>/dev/null; then
        err_file=$(mktemp "${TMPDIR:-/tmp}/awsmfa-alfred.XXXXXX") || { set +C; return 1; }
    fi
    set +C
    output=$(exec_awsmfa "$@")
    status=$?
    if [[ -s "$err_file" ]]; then
        cat "$err_file" >&2
        while IFS= read -r line || [[ -n "$line" ]]; do
            if [[ -n "$line" ]]; then last_error=${line#awsmfa: }; fi
        done <"$err_file"
    fi
    rm -f "$err_file"
}

# run_awsmfa's child: awsmfa with its stderr into `err_file`. `stdin_line` goes through a pipe
# from printf, a builtin, so it is in no program's argument list; not through a here-string,
# which bash 3.2 writes to a temporary file.
exec_awsmfa() {
    if [[ -n "$stdin_line" ]]; then
        printf '%s\n' "$stdin_line" 2>/dev/null | exec "$awsmfa" "$@" 2>"$err_file"
    else
        exec "$awsmfa" "$@" </dev/null 2>"$err_file"
    fi
}

# One invalid Script Filter item that shows `message` and, below it, `subtitle`; ⌘C and Large
# Type give `whole` (both in one line).
print_error_item() {
    local message=$1 subtitle=$2 both=$3
    printf '{"items":[{"title":%s,"subtitle":%s,"valid":false,"icon":{"path":"icons/error.png"},"text":{"copy":%s,"largetype":%s}}]}\n' \
        "$(json_string "$message")" "$(json_string "$subtitle")" \
        "$(json_string "$both")" "$(json_string "$both")"
}

# The Run Script JSON of a failed login, logout or setup, in the shape awsmfa prints.
print_action_error() {
    local verb=$1 profile=$2 kind=$3 message=$4 title
    case $verb in
        login) title='AWS login failed' ;;
        setup) title='awsmfa setup failed' ;;
        *) title='AWS logout failed' ;;
    esac
    printf '{"alfredworkflow":{"arg":%s,"variables":{"awsmfa_ok":"0","awsmfa_title":%s,"awsmfa_profile":%s,"awsmfa_error_kind":%s,"awsmfa_retryable":"0"}}}\n' \
        "$(json_string "$message")" "$(json_string "$title")" \
        "$(json_string "$profile")" "$(json_string "$kind")"
}

# What to say when awsmfa printed nothing we can show.
silent_failure() {
    if [[ -n "$last_error" ]]; then
        printf '%s' "$last_error"
    else
        printf 'awsmfa %s exited with status %s without a message: run it in Terminal to see why' "$1" "$status"
    fi
}

list() {
    local query=${1:-} message code='' last slot filled
    # Alfred trims the end of the query; the start keeps any extra space typed after the keyword.
    while [[ "$query" == [[:space:]]* ]]; do query=${query#?}; done
    # "work 123456": the last word is a one-time code, the rest is the query.
    last=${query##*[[:space:]]}
    if is_code "$last"; then
        code=$last
        query=${query%"$last"}
        while [[ "$query" == *[[:space:]] ]]; do query=${query%?}; done
    fi
    if ! find_awsmfa; then
        print_error_item "$problem" "$problem_hint" "$problem_message"
        return 0
    fi
    if [[ -n "$code" ]]; then
        run_awsmfa list --format alfred --with-typed-code -- "$query"
    elif [[ -n "$query" ]]; then
        run_awsmfa list --format alfred -- "$query"
    else
        run_awsmfa list --format alfred
    fi
    # On failure awsmfa prints an error item itself; pass that on like a list.
    if [[ "$output" == '{'* ]]; then
        # With --with-typed-code, each row whose ↩ logs in with the code has an empty
        # awsmfa_code variable for it. Inside a JSON string every quote is escaped, so this
        # text can only be that variable, never part of a name.
        if [[ -n "$code" ]]; then
            slot='"awsmfa_code":""'
            filled="\"awsmfa_code\":\"$code\""
            output=${output//"$slot"/$filled}
        fi
        printf '%s\n' "$output"
        return 0
    fi
    if blocked_by_macos; then
        print_error_item "$blocked_title" "$blocked_hint" "$blocked_title: $blocked_hint"
        return 0
    fi
    message=$(silent_failure list)
    print_error_item "$message" "Run awsmfa list in Terminal for details" "$message"
}

action() {
    local verb=$1 profile=${2:-}
    if [[ -z "$profile" ]]; then
        print_action_error "$verb" '' invalid_option "No profile was passed to awsmfa $verb: pick a profile in the list"
        return 0
    fi
    if ! find_awsmfa; then
        print_action_error "$verb" "$profile" binary_not_found "$problem_message"
        return 0
    fi
    if [[ $verb == login && -n "$typed_code" ]]; then
        stdin_line=$typed_code
        run_awsmfa login --format alfred --code-stdin -- "$profile"
    else
        run_awsmfa "$verb" --format alfred -- "$profile"
    fi
    # awsmfa prints the notification's JSON on success and on failure; Alfred only needs to
    # read it, so a failure must not stop the workflow here.
    if [[ "$output" == '{'* ]]; then
        printf '%s\n' "$output"
        return 0
    fi
    if blocked_by_macos; then
        print_action_error "$verb" "$profile" binary_blocked "$blocked_title: $blocked_hint"
        return 0
    fi
    print_action_error "$verb" "$profile" internal "$(silent_failure "$verb")"
}

# Passes on the Script Filter JSON awsmfa printed for `awsmfa ARGS…`, with `state` (JSON members
# for the response's own "variables", which Alfred passes on with the row chosen) added; any
# failure becomes an item that says what went wrong.
filter_from() {
    local what=$1 state=$2 message
    shift 2
    run_awsmfa "$@"
    case $output in
        # awsmfa's Run Script answer means it failed before it could list anything.
        '{"alfredworkflow"'*) ;;
        '{'*'"items":'*)
            if [[ -n "$state" ]]; then output="{\"variables\":{$state},${output#\{}"; fi
            printf '%s\n' "$output"
            return 0
            ;;
    esac
    message=$(silent_failure "$what")
    print_error_item "$message" "Run awsmfa $what in Terminal for details" "$message"
}

# The Script Filter of one setup step: `setup-devices` or `setup-items`.
setup_step() {
    local verb=$1 profile=${2:-} state
    if [[ -z "$profile" ]]; then
        print_error_item "No profile to set up" "Type aws mfa, pick a profile that needs setup and press ↩" \
            "No profile to set up: type aws mfa, pick a profile that needs setup and press ↩"
        return 0
    fi
    if ! find_awsmfa; then
        print_error_item "$problem" "$problem_hint" "$problem_message"
        return 0
    fi
    clear_quarantine
    # What the earlier steps chose, for the row chosen here to carry on to the next step.
    state="\"awsmfa_setup_profile\":$(json_string "$profile"),\"awsmfa_setup_move_keys\":$(json_string "${awsmfa_setup_move_keys:-0}")"
    if [[ $verb == setup-devices ]]; then
        filter_from setup "$state" setup --list-devices --format alfred -- "$profile"
    else
        state="$state,\"awsmfa_setup_serial\":$(json_string "${awsmfa_setup_serial:-}")"
        filter_from setup "$state" setup --list-op-items --format alfred -- "$profile"
    fi
}

# `awsmfa setup PROFILE` with what the steps chose; its Run Script JSON for the notification.
setup() {
    local profile=${1:-} args
    if [[ -z "$profile" ]]; then
        print_action_error setup '' invalid_option "No profile was passed to awsmfa setup: pick a profile that needs setup in the list"
        return 0
    fi
    if ! find_awsmfa; then
        print_action_error setup "$profile" binary_not_found "$problem_message"
        return 0
    fi
    clear_quarantine
    args=(setup --format alfred)
    if [[ -n "${awsmfa_setup_serial:-}" ]]; then args+=(--serial "$awsmfa_setup_serial"); fi
    if [[ -n "${awsmfa_setup_op_item:-}" ]]; then args+=(--op-item "$awsmfa_setup_op_item"); fi
    if [[ "${awsmfa_setup_move_keys:-}" == 1 ]]; then args+=(--move-keys); fi
    run_awsmfa "${args[@]}" -- "$profile"
    if [[ "$output" == '{'* ]]; then
        printf '%s\n' "$output"
        return 0
    fi
    print_action_error setup "$profile" internal "$(silent_failure setup)"
}

doctor() {
    if ! find_awsmfa; then
        print_error_item "$problem" "$problem_hint" "$problem_message"
        return 0
    fi
    clear_quarantine
    # doctor exits non-zero when a check fails; its items show which.
    filter_from doctor '' doctor --format alfred
}

case ${1:-} in
    list) list "${2:-}" ;;
    login | logout) action "$1" "${2:-}" ;;
    setup-devices | setup-items) setup_step "$1" "${2:-}" ;;
    setup) setup "${2:-}" ;;
    doctor) doctor ;;
    *)
        echo "usage: awsmfa-alfred.sh list [QUERY] | login PROFILE | logout PROFILE | setup-devices PROFILE | setup-items PROFILE | setup PROFILE | doctor" >&2
        exit 2
        ;;
esac
