# venvreg for zsh: virtualenvwrapper's commands on venvreg's registry.
#   eval "$(venvreg init zsh)"       or      source "$(venvreg init zsh --path)"
# Every command calls `venvreg __shell zsh COMMAND -- ARGS`, checks its status, then evaluates
# the code it printed. Sourcing this file runs no Python and is safe to repeat.

__VENVREG_SHELL=zsh

__venvreg_has_function() {
    (( ${+functions[$1]} ))
}

__venvreg_path_search() {
    \builtin whence -p "$1"
}

__venvreg_rehash() {
    \builtin rehash
}

__venvreg_prompt_set() {
    # The prompt goes in psvar and is referenced as %9v: zsh inserts it as data, so `%`,
    # `$(...)` and backquotes in a name stay literal even under PROMPT_SUBST.
    __VENVREG_OLD_PS1="${PS1-}"
    __VENVREG_OLD_PSVAR9="${psvar[9]-}"
    psvar[9]="$1"
    if [[ -o ksharrays ]]; then
        PS1="(%10v) ${PS1-}"
    else
        PS1="(%9v) ${PS1-}"
    fi
}

__venvreg_prompt_restore() {
    if [ -n "${__VENVREG_OLD_PS1+x}" ]; then
        PS1="$__VENVREG_OLD_PS1"
        psvar[9]="${__VENVREG_OLD_PSVAR9-}"
        \builtin unset __VENVREG_OLD_PS1 __VENVREG_OLD_PSVAR9
    fi
}

# venvreg-common: begin (the part shared with bash; `venvreg init zsh` inlines it here)
\builtin source "${${(%):-%x}:A:h}/venvreg.common.sh"
# venvreg-common: end

# --- Tab completion: the index the CLI keeps, plus env folders not indexed yet; no Python ---

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

# Auto-activation: __venvreg_auto (venvreg.common.sh) runs after every cd (chpwd).
\builtin autoload -Uz add-zsh-hook
add-zsh-hook chpwd __venvreg_auto
__venvreg_initialize
__venvreg_auto
