# N processes from Task.async, all started at once, each sleeping S
# seconds; Task.await_many waits for every one.  Run with the process limit
# raised above N, e.g.  elixir --erl +P2000000 tasks.exs N S
defmodule Tasks do
  @max_tasks 10_000_000
  @max_seconds 86_400

  def main([n_arg, s_arg]) do
    n = parse(n_arg, "task count", 1, @max_tasks)
    seconds = parse(s_arg, "sleep seconds", 0, @max_seconds)
    check_process_limit(n)

    1..n
    |> Enum.map(fn _ -> Task.async(fn -> Process.sleep(seconds * 1000) end) end)
    |> Task.await_many(:infinity)
  end

  def main(_) do
    IO.puts(:stderr, "usage: elixir --erl +P2000000 tasks.exs N SECONDS")
    System.halt(2)
  end

  defp parse(arg, what, lo, hi) do
    v = if arg =~ ~r/\A[0-9]+\z/, do: String.to_integer(arg)

    if v && v >= lo && v <= hi do
      v
    else
      IO.puts(:stderr, "tasks: invalid #{what} '#{arg}' (want an integer from #{lo} to #{hi})")
      System.halt(2)
    end
  end

  # Without this check a too-low +P shows up as a crash deep in spawn.
  defp check_process_limit(n) do
    limit = :erlang.system_info(:process_limit)

    if n + 100 > limit do
      IO.puts(
        :stderr,
        "tasks: cannot start #{n} tasks: the process limit is #{limit}; raise it with --erl +P"
      )

      System.halt(1)
    end
  end
end

Tasks.main(System.argv())
