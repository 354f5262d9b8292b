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

# --- Tab completion of the venvreg command itself: subcommands, options and their values, env
# names, trash ids, config keys; from the tables the CLI's generator writes below; no Python.
# (A self-contained block: it uses only __venvreg_home and __venvreg_complete_envs above.) ---

# venvreg-cli-tables: begin (generated by python -m venvreg.cli.completion_spec)
__venvreg_cli_spec() {
    # $1 command path: sets the tables of that command (see the block below).
    __venvreg_subs=() __venvreg_opts=() __venvreg_valued=() __venvreg_args=()
    __venvreg_repeat=''
    case "$1" in
        '')
            __venvreg_subs=(create list ls show remove rm restore freeze init scan adopt forget doctor prune du rebuild copy rename export import run wipe trash project config registry)
            __venvreg_opts=(--version --help)
            ;;
        'create')
            __venvreg_opts=(-p --python -a --project -r --requirements -i --install --system-site-packages --backend --prompt --help)
            __venvreg_valued=(-p=none --python=none -a=file --project=file -r=file --requirements=file -i=none --install=none --backend=c:virtualenv/venv/uv --prompt=none)
            __venvreg_args=(none)
            ;;
        'list'|'ls')
            __venvreg_opts=(-b --brief --json --sort -l --wide --help)
            __venvreg_valued=(--sort=c:name/last-used/size/created)
            ;;
        'show')
            __venvreg_opts=(--json -l --wide --help)
            __venvreg_args=(env)
            ;;
        'remove'|'rm')
            __venvreg_opts=(-y --yes --purge --help)
            __venvreg_args=(env)
            __venvreg_repeat=1
            ;;
        'restore')
            __venvreg_opts=(--help)
            __venvreg_args=(trash)
            ;;
        'freeze')
            __venvreg_opts=(-o --output --all --json --help)
            __venvreg_valued=(-o=file --output=file)
            __venvreg_args=(env)
            ;;
        'init')
            __venvreg_opts=(--path --help)
            __venvreg_args=(shell)
            ;;
        'scan')
            __venvreg_opts=(--max-depth --exclude --one-file-system --cross-file-systems --no-size --json --adopt --all -y --yes --include-managed -l --wide --help)
            __venvreg_valued=(--max-depth=none --exclude=none)
            __venvreg_args=(file)
            __venvreg_repeat=1
            ;;
        'adopt')
            __venvreg_opts=(--name --help)
            __venvreg_valued=(--name=none)
            __venvreg_args=(file)
            __venvreg_repeat=1
            ;;
        'forget')
            __venvreg_opts=(--help)
            __venvreg_args=(env)
            __venvreg_repeat=1
            ;;
        'doctor')
            __venvreg_opts=(--json --deep -l --wide --help)
            __venvreg_args=(env)
            __venvreg_repeat=1
            ;;
        'prune')
            __venvreg_opts=(--unused-for --broken --missing --project-gone --larger-than --include-adopted -y --yes -n --dry-run --json -l --wide --help)
            __venvreg_valued=(--unused-for=none --larger-than=none)
            ;;
        'du')
            __venvreg_opts=(--json -l --wide --help)
            ;;
        'rebuild')
            __venvreg_opts=(--broken -p --python --help)
            __venvreg_valued=(-p=none --python=none)
            __venvreg_args=(env)
            __venvreg_repeat=1
            ;;
        'copy')
            __venvreg_opts=(--help)
            __venvreg_args=(env none)
            ;;
        'rename')
            __venvreg_opts=(--help)
            __venvreg_args=(env none)
            ;;
        'export')
            __venvreg_opts=(-o --output --json --help)
            __venvreg_valued=(-o=file --output=file)
            ;;
        'import')
            __venvreg_opts=(-n --dry-run --replace --allow-pip-options --json -l --wide --help)
            __venvreg_args=(file)
            ;;
        'run')
            __venvreg_opts=(--all --help)
            __venvreg_args=(env)
            __venvreg_repeat=1
            ;;
        'wipe')
            __venvreg_opts=(-y --yes --help)
            __venvreg_args=(env)
            ;;
        'trash')
            __venvreg_subs=(list empty)
            __venvreg_opts=(--help)
            ;;
        'trash list')
            __venvreg_opts=(--json -l --wide --help)
            ;;
        'trash empty')
            __venvreg_opts=(--older-than -y --yes -n --dry-run -l --wide --help)
            __venvreg_valued=(--older-than=none)
            ;;
        'project')
            __venvreg_subs=(set show)
            __venvreg_opts=(--help)
            ;;
        'project set')
            __venvreg_opts=(--help)
            __venvreg_args=(env file)
            ;;
        'project show')
            __venvreg_opts=(--json --help)
            __venvreg_args=(env)
            ;;
        'config')
            __venvreg_subs=(path list get set unset)
            __venvreg_opts=(--help)
            ;;
        'config path')
            __venvreg_opts=(--help)
            ;;
        'config list')
            __venvreg_opts=(--json -l --wide --help)
            ;;
        'config get')
            __venvreg_opts=(--json --help)
            __venvreg_args=(key)
            ;;
        'config set')
            __venvreg_opts=(--help)
            __venvreg_args=(key none)
            ;;
        'config unset')
            __venvreg_opts=(--help)
            __venvreg_args=(key)
            ;;
        'registry')
            __venvreg_subs=(path query check)
            __venvreg_opts=(--help)
            ;;
        'registry path')
            __venvreg_opts=(--help)
            ;;
        'registry query')
            __venvreg_opts=(--json --csv -l --wide --help)
            __venvreg_args=(none)
            ;;
        'registry check')
            __venvreg_opts=(--help)
            ;;
    esac
}
__venvreg_keys=(workon_home default_python backend trash_days prune.unused_days auto_activate)
__venvreg_shells=(bash zsh fish pwsh)
# venvreg-cli-tables: end

__venvreg_cli_value_kind() {
    # $1 an option of the current command: prints what its value is (file, none,
    # c:A/B/...), or fails when it takes none.
    \builtin local __venvreg_pair
    for __venvreg_pair in ${__venvreg_valued[@]+"${__venvreg_valued[@]}"}; do
        if [ "${__venvreg_pair%%=*}" = "$1" ]; then
            \builtin printf '%s' "${__venvreg_pair#*=}"
            return 0
        fi
    done
    return 1
}

__venvreg_cli_offer() {
    # $1 a kind (env, trash, shell, key, file, command, none, c:A/B); $2 the word typed so far.
    \builtin local __venvreg_entry
    \builtin local -a __venvreg_words
    __venvreg_words=()
    case "$1" in
        env) __venvreg_complete_envs; return 0 ;;
        trash)
            \builtin local __venvreg_failglob=""   # with failglob, an empty trash is an error
            \builtin shopt -q failglob && __venvreg_failglob=1 && \builtin shopt -u failglob
            for __venvreg_entry in "$(__venvreg_home)"/.venvreg/trash/*/; do
                __venvreg_entry="${__venvreg_entry%/}"
                __venvreg_entry="${__venvreg_entry##*/}"
                case "$__venvreg_entry" in
                    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T*-*)
                        __venvreg_words+=("$__venvreg_entry")
                        ;;
                esac
            done
            [ -z "$__venvreg_failglob" ] || \builtin shopt -s failglob
            ;;
        shell) __venvreg_words=("${__venvreg_shells[@]}") ;;
        key) __venvreg_words=("${__venvreg_keys[@]}") ;;
        command)
            while IFS= \builtin read -r __venvreg_entry; do
                COMPREPLY+=("$__venvreg_entry")
            done < <(\builtin compgen -c -- "$2")
            return 0
            ;;
        c:*)
            \builtin local IFS=/
            # shellcheck disable=SC2206  # the choices are split on slashes on purpose
            __venvreg_words=(${1#c:})
            ;;
        *) return 0 ;;  # file (bash's default completion), none
    esac
    \builtin local __venvreg_word
    for __venvreg_word in ${__venvreg_words[@]+"${__venvreg_words[@]}"}; do
        case "$__venvreg_word" in "$2"*) COMPREPLY+=("$__venvreg_word") ;; esac
    done
    return 0
}

__venvreg_cli_complete() {
    \builtin local __venvreg_cur="${COMP_WORDS[COMP_CWORD]-}" __venvreg_path="" __venvreg_word
    \builtin local __venvreg_i=1 __venvreg_pos=0 __venvreg_dashdash="" __venvreg_pending=""
    \builtin local __venvreg_kind __venvreg_sub
    \builtin local -a __venvreg_subs __venvreg_opts __venvreg_valued __venvreg_args
    \builtin local __venvreg_repeat
    COMPREPLY=()
    __venvreg_cli_spec ""
    [ "$__venvreg_cur" != "=" ] || __venvreg_cur=""   # `--backend=` split at the =
    while [ "$__venvreg_i" -lt "$COMP_CWORD" ]; do
        __venvreg_word="${COMP_WORDS[__venvreg_i]}"
        __venvreg_i=$((__venvreg_i + 1))
        if [ "$__venvreg_word" = "=" ]; then
            continue   # bash splits `--opt=value` into three words; the option set pending
        elif [ -n "$__venvreg_pending" ]; then
            __venvreg_pending=""
        elif [ -n "$__venvreg_dashdash" ]; then
            __venvreg_pos=$((__venvreg_pos + 1))
        elif [ "$__venvreg_word" = "--" ]; then
            __venvreg_dashdash=1
        elif [[ $__venvreg_word == -* ]]; then
            __venvreg_kind="$(__venvreg_cli_value_kind "$__venvreg_word")" && __venvreg_pending="$__venvreg_word"
        else
            __venvreg_kind=""
            if [ "$__venvreg_pos" -eq 0 ]; then
                for __venvreg_sub in ${__venvreg_subs[@]+"${__venvreg_subs[@]}"}; do
                    [ "$__venvreg_sub" != "$__venvreg_word" ] || __venvreg_kind=sub
                done
            fi
            if [ "$__venvreg_kind" = sub ]; then
                __venvreg_path="${__venvreg_path:+$__venvreg_path }$__venvreg_word"
                __venvreg_cli_spec "$__venvreg_path"
            else
                __venvreg_pos=$((__venvreg_pos + 1))
            fi
        fi
    done
    if [ -n "$__venvreg_pending" ]; then
        __venvreg_cli_offer "$(__venvreg_cli_value_kind "$__venvreg_pending")" "$__venvreg_cur"
    elif [ -z "$__venvreg_dashdash" ] && [[ $__venvreg_cur == -* ]]; then
        __venvreg_cli_offer "c:$(IFS=/; \builtin printf '%s' "${__venvreg_opts[*]}")" "$__venvreg_cur"
    elif [ "${#__venvreg_subs[@]}" -gt 0 ] && [ "$__venvreg_pos" -eq 0 ]; then
        __venvreg_cli_offer "c:$(IFS=/; \builtin printf '%s' "${__venvreg_subs[*]}")" "$__venvreg_cur"
    elif [ "$__venvreg_path" = run ] && [ -n "$__venvreg_dashdash" ]; then
        __venvreg_cli_offer command "$__venvreg_cur"
    elif [ "$__venvreg_pos" -lt "${#__venvreg_args[@]}" ]; then
        __venvreg_cli_offer "${__venvreg_args[__venvreg_pos]}" "$__venvreg_cur"
    elif [ -n "$__venvreg_repeat" ] && [ "${#__venvreg_args[@]}" -gt 0 ]; then
        __venvreg_cli_offer "${__venvreg_args[${#__venvreg_args[@]} - 1]}" "$__venvreg_cur"
    fi
    return 0
}

\builtin complete -o default -F __venvreg_cli_complete venvreg
