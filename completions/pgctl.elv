
use builtin;
use str;

set edit:completion:arg-completer[pgctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pgctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pgctl'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check postgresql manifests offline, without a cluster'
            cand crd 'Print the CustomResourceDefinition of the postgresql resource'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand reference-markdown 'Print the command reference as Markdown (for docs/cli.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;validate'= {
            cand -f 'Manifest file to check, or `-` for standard input; repeat for several files'
            cand --filename 'Manifest file to check, or `-` for standard input; repeat for several files'
            cand --operator-config 'Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise'
            cand --strict 'Treat warnings as errors (exit 1 when there is any)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;crd'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;reference-markdown'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'pgctl;help'= {
            cand validate 'Check postgresql manifests offline, without a cluster'
            cand crd 'Print the CustomResourceDefinition of the postgresql resource'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand reference-markdown 'Print the command reference as Markdown (for docs/cli.md)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pgctl;help;validate'= {
        }
        &'pgctl;help;crd'= {
        }
        &'pgctl;help;completions'= {
        }
        &'pgctl;help;reference-markdown'= {
        }
        &'pgctl;help;help'= {
        }
    ]
    $completions[$command]
}
