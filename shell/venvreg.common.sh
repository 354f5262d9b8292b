# shellcheck shell=bash
# venvreg: the part of the bash and zsh function files they share (venvreg.bash and
# venvreg.zsh source it; `venvreg init bash|zsh` prints it in their place). Each of those files
# defines __VENVREG_SHELL and the few helpers that differ: __venvreg_has_function,
# __venvreg_path_search, __venvreg_rehash, __venvreg_prompt_set and __venvreg_prompt_restore.

__venvreg_find_exe() {
    # The venvreg program PATH names now, as an absolute path (empty when there is none), kept
    # so that a command run later under a narrowed PATH still finds it. A PATH search only:
    # nothing is run.
    \builtin local __venvreg_found
    __venvreg_found="$(__venvreg_path_search venvreg)" || __venvreg_found=""
    case "$__venvreg_found" in
        /*) ;;
        ?*) __venvreg_found="${PWD-}/${__venvreg_found#./}" ;;
    esac
    __VENVREG_EXE_PATH="$__venvreg_found"
}
__venvreg_find_exe

__venvreg_call() {
    # Capture first, check the status, then evaluate: a CLI that fails or dies evaluates nothing.
    \builtin local __venvreg_status=0 __venvreg_code
    __venvreg_export
    # An empty PYTHONHOME: a value set for some other Python must not break venvreg's own.
    __venvreg_code="$(PYTHONHOME='' \command "${VENVREG_EXE:-${__VENVREG_EXE_PATH:-venvreg}}" __shell "$__VENVREG_SHELL" "$@")" || __venvreg_status=$?
    if [ "$__venvreg_status" -ne 0 ]; then
        return "$__venvreg_status"
    fi
    \builtin eval "$__venvreg_code"
}

__venvreg_export() {
    # virtualenvwrapper exports these too; the CLI must see values set without `export`.
    [ -z "${WORKON_HOME+x}" ] || \builtin export WORKON_HOME
    [ -z "${PROJECT_HOME+x}" ] || \builtin export PROJECT_HOME
    [ -z "${VIRTUALENVWRAPPER_HOOK_DIR+x}" ] || \builtin export VIRTUALENVWRAPPER_HOOK_DIR
    [ -z "${VIRTUALENVWRAPPER_WORKON_CD+x}" ] || \builtin export VIRTUALENVWRAPPER_WORKON_CD
    [ -z "${VIRTUALENVWRAPPER_PROJECT_FILENAME+x}" ] || \builtin export VIRTUALENVWRAPPER_PROJECT_FILENAME
    [ -z "${VIRTUALENVWRAPPER_VIRTUALENV+x}" ] || \builtin export VIRTUALENVWRAPPER_VIRTUALENV
    [ -z "${VIRTUALENVWRAPPER_VIRTUALENV_ARGS+x}" ] || \builtin export VIRTUALENVWRAPPER_VIRTUALENV_ARGS
    return 0
}

__venvreg_run_hook() {
    # A "run" hook: executed (not sourced) in WORKON_HOME, its status ignored. $1 hook, $2 cwd.
    \builtin local __venvreg_hook="$1" __venvreg_cwd="$2"
    shift 2
    if [ -f "$__venvreg_hook" ]; then
        if [ -x "$__venvreg_hook" ]; then
            (\builtin cd -- "$__venvreg_cwd" && \command "$__venvreg_hook" "$@") || true
        else
            \builtin printf 'venvreg: hook %s is not executable; skipped\n' "$__venvreg_hook" >&2
        fi
    fi
    return 0
}

__venvreg_source_hook() {
    # A "sourced" hook, given virtualenvwrapper's internal hook name as $1.
    if [ -f "$1" ]; then
        \builtin source "$@" || true
    fi
    return 0
}

__venvreg_cd() {
    \builtin cd -- "$1" || return
}

__venvreg_print() {
    \builtin printf '%s\n' "$@"
}

__venvreg_status() {
    return "$1"
}

__venvreg_exec() {
    \command "$@"
}

__venvreg_in_env() {
    # Run a command in a subshell inside an env (activated, no hooks); $1 env, $2 bin.
    (
        \builtin cd -- "$1" || \builtin exit 1
        # shellcheck disable=SC2030  # meant for this subshell only
        \builtin export VIRTUAL_ENV="$1" PATH="$2${PATH:+:$PATH}"
        \builtin unset PYTHONHOME
        shift 2
        "$@"
    ) || true
}

# shellcheck disable=SC2031  # __venvreg_in_env's PATH and VIRTUAL_ENV are its subshell's only
__venvreg_activate() {
    # $1 name  $2 env  $3 bin  $4 prompt  $5 prompt escaped for PS1  $6 project  $7 cd (1/0)
    # $8 hook dir  $9 WORKON_HOME
    \builtin local __venvreg_project="$6" __venvreg_hooks="$8"
    if [ -n "${__VENVREG_ENV-}" ]; then
        __venvreg_deactivate
    elif [ -n "${VIRTUAL_ENV-}" ] && __venvreg_has_function deactivate; then
        deactivate nondestructive || true   # an env activated by its own bin/activate
    fi
    __venvreg_run_hook "$__venvreg_hooks/preactivate" "$9" "$1"
    __venvreg_run_hook "$2/bin/preactivate" "$9" "$1"

    __VENVREG_ENV="$2"
    __VENVREG_NAME="$1"
    __VENVREG_AUTO=""
    __VENVREG_HOOK_DIR="$__venvreg_hooks"
    __VENVREG_PROJECT="$__venvreg_project"
    __VENVREG_OLD_PATH="${PATH-}"
    if [ -n "${PYTHONHOME+x}" ]; then
        __VENVREG_OLD_PYTHONHOME="$PYTHONHOME"
        \builtin unset PYTHONHOME
    fi
    PATH="$3${PATH:+:$PATH}"
    \builtin export PATH
    VIRTUAL_ENV="$2"
    VIRTUAL_ENV_PROMPT="$4"
    # shellcheck disable=SC2034  # exported, for prompts and tools outside these functions
    \builtin export VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
        __venvreg_prompt_set "$5"
    fi
    __venvreg_rehash
    # shellcheck disable=SC2317  # the user calls it, as with an env's own bin/activate
    function deactivate { __venvreg_deactivate "$@"; }

    if [ "$7" = 1 ] && [ -n "$__venvreg_project" ]; then
        __venvreg_cd "$__venvreg_project" || true
    fi
    if [ -n "$__venvreg_project" ]; then
        __venvreg_source_hook "$__venvreg_project/.virtualenvwrapper/postactivate" post_activate
    fi
    __venvreg_source_hook "$__venvreg_hooks/postactivate" post_activate
    __venvreg_source_hook "$2/bin/postactivate" post_activate
    return 0
}

__venvreg_deactivate() {
    if [ -z "${__VENVREG_ENV-}" ]; then
        \builtin printf '%s\n' "venvreg: no environment is active" >&2
        return 1
    fi
    \builtin local __venvreg_env="$__VENVREG_ENV" __venvreg_name="$__VENVREG_NAME"
    \builtin local __venvreg_hooks="$__VENVREG_HOOK_DIR"
    if [ -n "${__VENVREG_PROJECT-}" ]; then
        __venvreg_source_hook "$__VENVREG_PROJECT/.virtualenvwrapper/predeactivate" pre_deactivate
    fi
    __venvreg_source_hook "$__venvreg_env/bin/predeactivate" pre_deactivate
    __venvreg_source_hook "$__venvreg_hooks/predeactivate" pre_deactivate

    PATH="$__VENVREG_OLD_PATH"
    \builtin export PATH
    if [ -n "${__VENVREG_OLD_PYTHONHOME+x}" ]; then
        PYTHONHOME="$__VENVREG_OLD_PYTHONHOME"
        \builtin export PYTHONHOME
        \builtin unset __VENVREG_OLD_PYTHONHOME
    fi
    __venvreg_prompt_restore
    \builtin unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT __VENVREG_ENV __VENVREG_NAME __VENVREG_HOOK_DIR
    \builtin unset __VENVREG_AUTO
    \builtin unset __VENVREG_PROJECT __VENVREG_OLD_PATH
    \builtin unset -f deactivate
    __venvreg_rehash

    # shellcheck disable=SC2034  # read by the user's postdeactivate hooks, as in virtualenvwrapper
    VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV="$__venvreg_env"
    __venvreg_source_hook "$__venvreg_env/bin/postdeactivate" post_deactivate "$__venvreg_name"
    __venvreg_source_hook "$__venvreg_hooks/postdeactivate" post_deactivate "$__venvreg_name"
    \builtin unset VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV
    if [ -f "$__venvreg_env/README.tmpenv" ]; then
        __venvreg_call rmtmpenv -- "$__venvreg_env"
    fi
    return 0
}

workon() { __venvreg_call workon -- "$@"; }
mkvirtualenv() { __venvreg_call mkvirtualenv -- "$@"; }
mktmpenv() { __venvreg_call mktmpenv -- "$@"; }
rmvirtualenv() { __venvreg_call rmvirtualenv -- "$@"; }
lsvirtualenv() {
    # -b prints the listing the CLI left while WORKON_HOME has not changed since: no Python.
    if [ "$#" -eq 1 ] && [ "$1" = "-b" ]; then
        \builtin local __venvreg_dir __venvreg_line
        \builtin local -a __venvreg_lines
        __venvreg_locate_home
        __venvreg_dir="$__venvreg_home_dir"
        if [ "$__venvreg_dir/.venvreg/brief" -nt "$__venvreg_dir" ]; then
            # whole-file reads: zsh's $(<file) forks nothing, nor does bash 4's mapfile
            if [ -n "${ZSH_VERSION-}" ]; then
                \builtin print -r -- "$(<"$__venvreg_dir/.venvreg/brief")"
            elif \builtin mapfile -t __venvreg_lines < "$__venvreg_dir/.venvreg/brief" 2>/dev/null; then
                \builtin printf '%s\n' "${__venvreg_lines[@]}"
            else  # bash 3.2
                while IFS= \builtin read -r __venvreg_line; do
                    \builtin printf '%s\n' "$__venvreg_line"
                done < "$__venvreg_dir/.venvreg/brief"
            fi
            return 0
        fi
    fi
    __venvreg_call lsvirtualenv -- "$@"
}
showvirtualenv() { __venvreg_call showvirtualenv -- "$@"; }
cpvirtualenv() { __venvreg_call cpvirtualenv -- "$@"; }
allvirtualenv() { __venvreg_call allvirtualenv -- "$@"; }
cdvirtualenv() { __venvreg_call cdvirtualenv -- "$@"; }
cdsitepackages() { __venvreg_call cdsitepackages -- "$@"; }
lssitepackages() { __venvreg_call lssitepackages -- "$@"; }
cdproject() { __venvreg_call cdproject -- "$@"; }
mkproject() { __venvreg_call mkproject -- "$@"; }
setvirtualenvproject() { __venvreg_call setvirtualenvproject -- "$@"; }
add2virtualenv() { __venvreg_call add2virtualenv -- "$@"; }
wipeenv() { __venvreg_call wipeenv -- "$@"; }
toggleglobalsitepackages() { __venvreg_call toggleglobalsitepackages -- "$@"; }
virtualenvwrapper() { __venvreg_call virtualenvwrapper -- "$@"; }

# --- virtualenvwrapper's stock global hook files, and its initialize hook ---

# Name, mode (as virtualenvwrapper sets them: run hooks and postmkproject 755, the other sourced
# hooks 644) and header comment of each file, in the order virtualenvwrapper 6.1 writes them; the last is the mark that all are there.
__VENVREG_HOOK_FILES="initialize 644 This hook is sourced during the startup phase when loading virtualenvwrapper.sh.
premkvirtualenv 755 This hook is run after a new virtualenv is created and before it is activated.|# argument: name of new environment
postmkvirtualenv 644 This hook is sourced after a new virtualenv is activated.
prermvirtualenv 755 This hook is run before a virtualenv is deleted.|# argument: full path to environment directory
postrmvirtualenv 755 This hook is run after a virtualenv is deleted.|# argument: full path to environment directory
predeactivate 644 This hook is sourced before every virtualenv is deactivated.
postdeactivate 644 This hook is sourced after every virtualenv is deactivated.
preactivate 755 This hook is run before every virtualenv is activated.|# argument: environment name
postactivate 644 This hook is sourced after every virtualenv is activated.
get_env_details 755 This hook is run when the list of virtualenvs is printed so each name can include details.|# argument: environment name
premkproject 755 This hook is run after a new project is created and before it is activated.
postmkproject 755 This hook is run after a new project is activated."

__venvreg_make_hook_files() {
    # $1 the hook folder. Writes each stock file that is missing (a file of the user's is never
    # touched); once the mark exists, this is one stat. A `|` in a comment starts a new line.
    [ ! -e "$1/postmkproject" ] || return 0
    \command mkdir -p -- "$1" 2>/dev/null || return 0
    \builtin local __venvreg_name __venvreg_mode __venvreg_comment __venvreg_file __venvreg_first
    while IFS=' ' \builtin read -r __venvreg_name __venvreg_mode __venvreg_comment; do
        __venvreg_file="$1/$__venvreg_name"
        [ ! -e "$__venvreg_file" ] || continue
        __venvreg_first="${__venvreg_comment%%|*}"
        if [ "$__venvreg_first" = "$__venvreg_comment" ]; then
            \builtin printf '#!%s\n# %s\n\n' "${SHELL:-/bin/sh}" "$__venvreg_first"
        else
            \builtin printf '#!%s\n# %s\n%s\n\n' "${SHELL:-/bin/sh}" "$__venvreg_first" \
                "${__venvreg_comment#*|}"
        fi >"$__venvreg_file" 2>/dev/null || return 0
        \command chmod "$__venvreg_mode" "$__venvreg_file" 2>/dev/null || true
    done <<EOF
$__VENVREG_HOOK_FILES
EOF
    return 0
}

__venvreg_initialize() {
    # As virtualenvwrapper when it is sourced: the hook folder and its stock files, then the
    # user's initialize hook. No Python runs.
    \builtin local __venvreg_hooks="${VIRTUALENVWRAPPER_HOOK_DIR:-}"
    if [ -z "$__venvreg_hooks" ]; then
        __venvreg_locate_home
        __venvreg_hooks="$__venvreg_home_dir"
    fi
    __venvreg_make_hook_files "$__venvreg_hooks"
    __venvreg_source_hook "$__venvreg_hooks/initialize" initialize
}

__venvreg_locate_home() {
    # Sets __venvreg_home_dir (no subshell: this runs at source time and before every prompt)
    # to WORKON_HOME, else the config file's workon_home (read now: the file may be sourced by
    # path, with no home line from `venvreg init`), else that line's, else ~/.virtualenvs.
    # A leading ~ is expanded as the CLI does (export WORKON_HOME="~/.virtualenvs" keeps it).
    __venvreg_home_dir="${WORKON_HOME-}"
    [ -n "$__venvreg_home_dir" ] || __venvreg_home_dir="$(__venvreg_configured_home)"
    [ -n "$__venvreg_home_dir" ] || __venvreg_home_dir="${__VENVREG_DEFAULT_HOME:-$HOME/.virtualenvs}"
    # shellcheck disable=SC2088  # a literal ~ is what is matched here, then expanded
    case "$__venvreg_home_dir" in
        "~") __venvreg_home_dir="${HOME-}" ;;
        "~/"*) __venvreg_home_dir="${HOME-}/${__venvreg_home_dir#"~/"}" ;;
    esac
}

__venvreg_home() {
    # Prints the folder __venvreg_locate_home finds.
    __venvreg_locate_home
    \builtin printf '%s' "$__venvreg_home_dir"
}

__venvreg_configured_home() {
    # Prints the config file's top-level `workon_home` when it is a plain TOML string (no
    # escapes) holding an absolute or ~ path, as the CLI would read it; nothing otherwise.
    \builtin local __venvreg_file="${VENVREG_CONFIG-}" __venvreg_line __venvreg_key __venvreg_value
    if [ -z "$__venvreg_file" ]; then
        case "${OSTYPE-}" in
            darwin*) __venvreg_file="${HOME-}/Library/Application Support/venvreg/config.toml" ;;
            *)
                case "${XDG_CONFIG_HOME-}" in
                    /*) __venvreg_file="$XDG_CONFIG_HOME/venvreg/config.toml" ;;
                    *) __venvreg_file="${HOME-}/.config/venvreg/config.toml" ;;
                esac
                ;;
        esac
    fi
    [ -f "$__venvreg_file" ] || return 0
    while IFS= \builtin read -r __venvreg_line || [ -n "$__venvreg_line" ]; do
        __venvreg_line="${__venvreg_line#"${__venvreg_line%%[![:space:]]*}"}"
        case "$__venvreg_line" in
            "["*) return 0 ;;   # the first table: workon_home is a top-level key
            *=*) ;;
            *) continue ;;
        esac
        __venvreg_key="${__venvreg_line%%=*}"
        __venvreg_key="${__venvreg_key%"${__venvreg_key##*[![:space:]]}"}"
        case "$__venvreg_key" in
            workon_home | '"workon_home"' | "'workon_home'") ;;
            *) continue ;;
        esac
        __venvreg_value="${__venvreg_line#*=}"
        __venvreg_value="${__venvreg_value#"${__venvreg_value%%[![:space:]]*}"}"
        case "$__venvreg_value" in
            \"*\\*) return 0 ;;   # a basic string with escapes: left to the CLI
            \"*\"*) __venvreg_value="${__venvreg_value#\"}" && __venvreg_value="${__venvreg_value%%\"*}" ;;
            \'*\'*) __venvreg_value="${__venvreg_value#\'}" && __venvreg_value="${__venvreg_value%%\'*}" ;;
            *) return 0 ;;
        esac
        # shellcheck disable=SC2088  # a literal ~ is matched; __venvreg_home expands it
        case "$__venvreg_value" in
            /* | "~" | "~/"*) \builtin printf '%s' "$__venvreg_value" ;;
        esac
        return 0
    done < "$__venvreg_file"
}

# --- Auto-activation (venvreg config set auto_activate true): entering a registered project
# folder activates its env; leaving deactivates what was auto-activated. The map is the
# projects file the CLI writes from the user's own registry; a cd that changes nothing, or
# changes nothing about activation, starts no Python. ---

__venvreg_auto() {
    [ "${PWD-}" != "${__VENVREG_LAST_PWD-}" ] || return 0
    __VENVREG_LAST_PWD="${PWD-}"
    \builtin local __venvreg_map __venvreg_project __venvreg_name __venvreg_found=""
    __venvreg_locate_home
    __venvreg_map="$__venvreg_home_dir/.venvreg/projects"
    [ -f "$__venvreg_map" ] || return 0
    while IFS= \builtin read -r __venvreg_project && IFS= \builtin read -r __venvreg_name; do
        case "$PWD/" in
            "$__venvreg_project"/*) __venvreg_found="$__venvreg_name"; break ;;
        esac
    done < "$__venvreg_map"
    if [ -n "$__venvreg_found" ]; then
        [ "$__venvreg_found" = "${__VENVREG_NAME-}" ] && return 0
        [ -z "${__VENVREG_ENV-}" ] || [ -n "${__VENVREG_AUTO-}" ] || return 0
        workon -n "$__venvreg_found" && __VENVREG_AUTO=1
    elif [ -n "${__VENVREG_AUTO-}" ] && [ -n "${__VENVREG_ENV-}" ]; then
        __venvreg_deactivate
    fi
    return 0
}
