module taskmem/tools/runtimes/go

go 1.19
