// personad_process: personad as a child process of a test, on a free port,
// with the data directory the test names (so a test can kill it and start
// another on the same data), its log read from a pipe.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace persona::test {

struct personad_process {
  pid_t pid = -1;
  int log_fd = -1;
  uint16_t port = 0;
  std::string log;

  /// Starts personad with --port=0 --shards=2 --data-dir=`data_dir` and
  /// `extra`; returns once it is listening and (when `wait_ready`) ready.
  explicit personad_process(const std::string& data_dir, std::vector<std::string> extra = {},
                            bool wait_ready = true) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      dup2(fds[1], 2);
      close(fds[0]);
      std::vector<std::string> args = {PERSONAD_PATH, "--port=0", "--shards=2", "--data-dir=" + data_dir};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    log_fd = fds[0];
    std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
    std::smatch m;
    REQUIRE(read_log_until([&] { return std::regex_search(log, m, listening); }, std::chrono::seconds(30)));
    port = static_cast<uint16_t>(std::stoi(m[1]));
    if (wait_ready)
      REQUIRE(read_log_until([&] { return log.find(" ready: ") != std::string::npos; },
                             std::chrono::seconds(60)));
  }

  /// Reads the log until `done()` or the time limit; false at the limit or
  /// when the process closed its log.
  template <class Done>
  bool read_log_until(Done done, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      char buf[4096];
      auto n = read(log_fd, buf, sizeof buf);
      if (n <= 0)
        return false;
      log.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  /// Waits for the exit; returns the exit code (or -1 after a signal / timeout).
  int wait_exit(std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  /// Kills the process with SIGKILL, as a crash would, and reaps it.
  void crash() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      pid = -1;
    }
  }

  std::string rest_of_log() {
    char buf[4096];
    fcntl(log_fd, F_SETFL, O_NONBLOCK);
    ssize_t n;
    while ((n = read(log_fd, buf, sizeof buf)) > 0)
      log.append(buf, static_cast<size_t>(n));
    return log;
  }

  ~personad_process() {
    crash();
    if (log_fd >= 0)
      close(log_fd);
  }
};

}  // namespace persona::test
