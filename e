/dev/fd/3: line 70: -c: command not found
