# shellcheck shell=bash
# venvreg for bash: virtualenvwrapper's commands on venvreg's registry.
#   eval "$(venvreg init bash)"      or      source "$(venvreg init bash --path)"
# Every command calls `venvreg __shell bash COMMAND -- ARGS`, checks its status, then evaluates
# the code it printed. Sourcing this file runs no Python and is safe to repeat.

__VENVREG_SHELL=bash

__venvreg_has_function() {
    \builtin declare -F "$1" >/dev/null
}

__venvreg_path_search() {
    \builtin type -P "$1"
}

__venvreg_rehash() {
    \builtin hash -r 2>/dev/null || true
}

__venvreg_prompt_set() {
    # $1 is the prompt already escaped for bash by the CLI (\\, $ and ` defused).
    if [ -n "${PS1+x}" ]; then
        __VENVREG_OLD_PS1="$PS1"
    fi
    PS1="($1) ${PS1-}"
}

__venvreg_prompt_restore() {
    if [ -n "${__VENVREG_OLD_PS1+x}" ]; then
        PS1="$__VENVREG_OLD_PS1"
        \builtin unset __VENVREG_OLD_PS1
    elif [ -z "${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
        \builtin unset PS1
    fi
}

# venvreg-common: begin (the part shared with zsh; `venvreg init bash` inlines it here)
case "${BASH_SOURCE[0]}" in
    */*) __venvreg_here="${BASH_SOURCE[0]%/*}" ;;
    *) __venvreg_here=. ;;
esac
\builtin source "$__venvreg_here/venvreg.common.sh"
\builtin unset __venvreg_here
# venvreg-common: end

# --- Tab completion: the index the CLI keeps, plus env folders not indexed yet; no Python ---

__venvreg_complete_envs() {
    \builtin local __venvreg_cur="${COMP_WORDS[COMP_CWORD]-}" __venvreg_dir __venvreg_name
    \builtin local __venvreg_quoted
    if [ -n "${__VENVREG_COMPLETE_ASSOC-}" ]; then
        \builtin local -A __venvreg_seen
        __venvreg_seen=()
    fi
    __venvreg_dir="$(__venvreg_home)"
    COMPREPLY=()
    if [ -f "$__venvreg_dir/.venvreg/names" ]; then
        while IFS= \builtin read -r __venvreg_name; do
            __venvreg_complete_add "$__venvreg_name"
        done < "$__venvreg_dir/.venvreg/names"
    fi
    \builtin local __venvreg_failglob=""   # with failglob, a glob matching nothing is an error
    \builtin shopt -q failglob && __venvreg_failglob=1 && \builtin shopt -u failglob
    for __venvreg_name in "$__venvreg_dir"/*/pyvenv.cfg; do
        [ -f "$__venvreg_name" ] || continue
        __venvreg_name="${__venvreg_name%/pyvenv.cfg}"
        __venvreg_complete_add "${__venvreg_name##*/}"
    done
    [ -z "$__venvreg_failglob" ] || \builtin shopt -s failglob
    return 0
}

# Names already offered are remembered in an associative array, which needs bash 4; bash 3.2
# (macOS's /bin/bash) compares with the replies so far instead, slower only for many matches.
# __VENVREG_TEST_BASH_MAJOR lets the tests run the bash 3.2 branch in a newer bash.
if [ "${__VENVREG_TEST_BASH_MAJOR:-${BASH_VERSINFO[0]}}" -ge 4 ]; then
    __VENVREG_COMPLETE_ASSOC=1
    __venvreg_complete_add() {
        # $1 candidate name; adds it (shell-quoted) when it starts with the word being completed.
        case "$1" in
            "$__venvreg_cur"*)
                if [ -z "${__venvreg_seen[$1]+x}" ]; then
                    __venvreg_seen[$1]=1
                    \builtin printf -v __venvreg_quoted '%q' "$1"
                    COMPREPLY+=("$__venvreg_quoted")
                fi
                ;;
        esac
    }
else
    \builtin unset __VENVREG_COMPLETE_ASSOC
    __venvreg_complete_add() {
        # $1 candidate name; adds it (shell-quoted) when it starts with the word being completed.
        \builtin local __venvreg_offered
        case "$1" in
            "$__venvreg_cur"*)
                \builtin printf -v __venvreg_quoted '%q' "$1"
                for __venvreg_offered in ${COMPREPLY[@]+"${COMPREPLY[@]}"}; do
                    [ "$__venvreg_offered" != "$__venvreg_quoted" ] || return 0
                done
                COMPREPLY+=("$__venvreg_quoted")
                ;;
        esac
    }
fi

\builtin complete -o default -o nospace -F __venvreg_complete_envs \
    workon rmvirtualenv cpvirtualenv showvirtualenv

# Auto-activation: __venvreg_auto (venvreg.common.sh) runs before every prompt.
# bash 5.1 runs every element of an array PROMPT_COMMAND: there the hook is an element of its
# own, first (so a prompt drawn by a later element shows the env); otherwise it is prepended.
__venvreg_prompt_hooked() {
    \builtin local __venvreg_command
    for __venvreg_command in ${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"}; do
        case ";$__venvreg_command;" in
            *";__venvreg_auto;"*) return 0 ;;
        esac
    done
    return 1
}
if ! __venvreg_prompt_hooked; then
    if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) \
        && [[ ${PROMPT_COMMAND+${PROMPT_COMMAND@a}} == *a* ]]; then
        PROMPT_COMMAND=(__venvreg_auto ${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"})
    else
        # shellcheck disable=SC2128,SC2178  # a string (bash < 5.1 runs an array's first only)
        PROMPT_COMMAND="__venvreg_auto${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
fi
\builtin unset -f __venvreg_prompt_hooked
__venvreg_initialize
__venvreg_auto
