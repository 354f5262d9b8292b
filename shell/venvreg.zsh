# venvreg for zsh: virtualenvwrapper's commands on venvreg's registry.
#   eval "$(venvreg init zsh)"       or      source "$(venvreg init zsh --path)"
# Every command calls `venvreg __shell zsh COMMAND -- ARGS`, checks its status, then evaluates
# the code it printed. Sourcing this file runs no Python and is safe to repeat.

__venvreg_call() {
    # Capture first, check the status, then evaluate: a CLI that fails or dies evaluates nothing.
    \builtin local __venvreg_status=0 __venvreg_code
    __venvreg_export
    # An empty PYTHONHOME: a value set for some other Python must not break venvreg's own.
    __venvreg_code="$(PYTHONHOME= \command "${VENVREG_EXE:-venvreg}" __shell zsh "$@")" || __venvreg_status=$?
    if [ "$__venvreg_status" -ne 0 ]; then
        return "$__venvreg_status"
    fi
    eval "$__venvreg_code"
}

__venvreg_export() {
    # virtualenvwrapper exports these too; the CLI must see values set without `export`.
    [ -z "${WORKON_HOME+x}" ] || \builtin export WORKON_HOME
    [ -z "${PROJECT_HOME+x}" ] || \builtin export PROJECT_HOME
    [ -z "${VIRTUALENVWRAPPER_HOOK_DIR+x}" ] || \builtin export VIRTUALENVWRAPPER_HOOK_DIR
    [ -z "${VIRTUALENVWRAPPER_WORKON_CD+x}" ] || \builtin export VIRTUALENVWRAPPER_WORKON_CD
    [ -z "${VIRTUALENVWRAPPER_PROJECT_FILENAME+x}" ] || \builtin export VIRTUALENVWRAPPER_PROJECT_FILENAME
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
    \builtin cd -- "$1"
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
        VIRTUAL_ENV="$1"
        PATH="$2${PATH:+:$PATH}"
        \builtin export VIRTUAL_ENV PATH
        \builtin unset PYTHONHOME
        shift 2
        "$@"
    ) || true
}

__venvreg_activate() {
    # $1 name  $2 env  $3 bin  $4 prompt  $5 prompt escaped for PS1  $6 project  $7 cd (1/0)
    # $8 hook dir  $9 WORKON_HOME
    \builtin local __venvreg_project="$6" __venvreg_hooks="$8"
    if [ -n "${__VENVREG_ENV-}" ]; then
        __venvreg_deactivate
    elif [ -n "${VIRTUAL_ENV-}" ] && (( ${+functions[deactivate]} )); then
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
    \builtin export VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
        # The prompt goes in psvar and is referenced as %9v: zsh inserts it as data, so
        # `%`, `$(...)` and backquotes in a name stay literal even under PROMPT_SUBST.
        __VENVREG_OLD_PS1="${PS1-}"
        __VENVREG_OLD_PSVAR9="${psvar[9]-}"
        psvar[9]="$5"
        if [[ -o ksharrays ]]; then
            PS1="(%10v) ${PS1-}"
        else
            PS1="(%9v) ${PS1-}"
        fi
    fi
    \builtin rehash
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
    if [ -n "${__VENVREG_OLD_PS1+x}" ]; then
        PS1="$__VENVREG_OLD_PS1"
        psvar[9]="${__VENVREG_OLD_PSVAR9-}"
        \builtin unset __VENVREG_OLD_PS1 __VENVREG_OLD_PSVAR9
    fi
    \builtin unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT __VENVREG_ENV __VENVREG_NAME __VENVREG_HOOK_DIR
    \builtin unset __VENVREG_AUTO
    \builtin unset __VENVREG_PROJECT __VENVREG_OLD_PATH
    \builtin unset -f deactivate
    \builtin rehash

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
lsvirtualenv() { __venvreg_call lsvirtualenv -- "$@"; }
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

# --- Tab completion: the index the CLI keeps, plus env folders not indexed yet; no Python ---

__venvreg_home() {
    # A leading ~ is expanded as the CLI does (export WORKON_HOME="~/.virtualenvs" keeps it).
    \builtin local __venvreg_dir="${WORKON_HOME:-${__VENVREG_DEFAULT_HOME:-$HOME/.virtualenvs}}"
    case "$__venvreg_dir" in
        "~") __venvreg_dir="${HOME-}" ;;
        "~/"*) __venvreg_dir="${HOME-}/${__venvreg_dir#"~/"}" ;;
    esac
    \builtin printf '%s' "$__venvreg_dir"
}

__venvreg_env_names() {
    # Sets reply to the candidate names (deduplicated).
    \builtin local __venvreg_dir __venvreg_name
    \builtin typeset -A __venvreg_seen
    __venvreg_dir="$(__venvreg_home)"
    reply=()
    if [ -f "$__venvreg_dir/.venvreg/names" ]; then
        while IFS= \builtin read -r __venvreg_name; do
            [ -n "${__venvreg_seen[$__venvreg_name]-}" ] && continue
            __venvreg_seen[$__venvreg_name]=1
            reply+=("$__venvreg_name")
        done < "$__venvreg_dir/.venvreg/names"
    fi
    for __venvreg_name in "$__venvreg_dir"/*/pyvenv.cfg(N); do
        [ -f "$__venvreg_name" ] || continue   # noglob leaves the pattern itself here
        __venvreg_name="${${__venvreg_name%/pyvenv.cfg}##*/}"
        [ -n "${__venvreg_seen[$__venvreg_name]-}" ] && continue
        __venvreg_seen[$__venvreg_name]=1
        reply+=("$__venvreg_name")
    done
}

_venvreg_complete_envs() {
    \builtin local -a reply
    __venvreg_env_names
    compadd -- "${reply[@]}"
}

if (( ${+functions[compdef]} )); then
    compdef _venvreg_complete_envs workon rmvirtualenv cpvirtualenv showvirtualenv
else
    \builtin compctl -K __venvreg_env_names workon rmvirtualenv cpvirtualenv showvirtualenv
fi

# --- Auto-activation (venvreg config set auto_activate true): entering a registered project
# folder activates its env; leaving deactivates what was auto-activated. The map is the
# projects file the CLI writes from the user's own registry; a cd that changes nothing, or
# changes nothing about activation, starts no Python. ---

__venvreg_auto() {
    [ "${PWD-}" != "${__VENVREG_LAST_PWD-}" ] || return 0
    __VENVREG_LAST_PWD="${PWD-}"
    \builtin local __venvreg_map __venvreg_project __venvreg_name __venvreg_found=""
    __venvreg_map="$(__venvreg_home)/.venvreg/projects"
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

\builtin autoload -Uz add-zsh-hook
add-zsh-hook chpwd __venvreg_auto
__venvreg_auto
