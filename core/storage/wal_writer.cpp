#include "core/storage/wal_writer.hpp"

#include "core/storage/record_file.hpp"
#include "core/storage/shard_files.hpp"

namespace persona {

const char* to_string(fsync_policy p) {
  switch (p) {
    case fsync_policy::always:
      return "always";
    case fsync_policy::batch:
      return "batch";
    case fsync_policy::none:
      return "none";
  }
  return "?";
}

std::optional<fsync_policy> parse_fsync_policy(const std::string& name) {
  if (name == "always")
    return fsync_policy::always;
  if (name == "batch")
    return fsync_policy::batch;
  if (name == "none")
    return fsync_policy::none;
  return std::nullopt;
}

wal_writer::wal_writer(std::string dir, fsync_policy policy, std::chrono::milliseconds interval,
                       durable_callback cb, file_env& env)
    : env_(env), dir_(std::move(dir)), policy_(policy), interval_(interval), on_durable_(std::move(cb)) {}

result<std::unique_ptr<wal_writer>> wal_writer::open(std::string dir, uint64_t next_seq, fsync_policy policy,
                                                     std::chrono::milliseconds interval,
                                                     durable_callback on_durable, file_env& env) {
  std::unique_ptr<wal_writer> w(new wal_writer(std::move(dir), policy, interval, std::move(on_durable), env));
  auto seg = w->open_segment(next_seq);
  if (!seg.ok())
    return seg.error();
  // The first segment's name is durable before anything is written to it.
  if (auto st = env.sync_directory(w->dir_); !st.ok())
    return st;
  w->current_ = std::move(*seg);
  w->last_seq_ = next_seq - 1;
  w->written_seq_ = next_seq - 1;
  w->synced_seq_ = next_seq - 1;
  w->thread_ = std::thread([p = w.get()] { p->writer_loop(); });
  return w;
}

wal_writer::~wal_writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

result<std::shared_ptr<wal_writer::segment>> wal_writer::open_segment(uint64_t first_seq) {
  auto file = env_.open_for_append(dir_ + "/" + wal_segment_name(first_seq));
  if (!file.ok())
    return file.error();
  auto seg = std::make_shared<segment>();
  seg->file = std::move(*file);
  return seg;
}

result<uint64_t> wal_writer::append(uint8_t kind, std::string_view payload) {
  uint64_t seq = last_seq_.load() + 1;
  frame_.clear();
  append_record(frame_, seq, kind, payload, env_.seal());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.ok())
      return failed_;
    if (queued_.empty() || queued_.back().seg != current_)
      queued_.push_back(chunk{current_, {}, 0});
    queued_.back().bytes += frame_;
    queued_.back().last_seq = seq;
    last_seq_ = seq;
  }
  wake_.notify_one();
  bytes_ += frame_.size();
  segment_bytes_ += frame_.size();
  return seq;
}

result<uint64_t> wal_writer::rotate() {
  uint64_t first = last_seq_.load() + 1;
  auto seg = open_segment(first);
  if (!seg.ok())
    return seg.error();
  std::lock_guard<std::mutex> lock(mu_);
  closed_.push_back(std::move(current_));
  current_ = std::move(*seg);
  // The new name is synced by the writer's thread with the next records,
  // not here: rotate() runs on the shard's thread.
  directory_dirty_ = true;
  segment_bytes_ = 0;
  return first;
}

status wal_writer::write_queued(bool& wrote) {
  std::lock_guard<std::mutex> writing(write_mu_);
  std::vector<chunk> chunks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.ok())
      return failed_;
    chunks.swap(queued_);
  }
  wrote = !chunks.empty();
  for (auto& c : chunks) {
    if (auto st = c.seg->file->append(c.bytes); !st.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      return stop_log(st);
    }
    written_seq_ = c.last_seq;
  }
  return {};
}

const status& wal_writer::stop_log(const status& st) {
  if (failed_.ok()) {
    failed_ = {st.code(), st.message() + "; the write-ahead log takes no more changes: free the disk (or " +
                              "replace it), then restart the node"};
    wake_.notify_all();  // the writer's thread fails what is queued
  }
  return failed_;
}

status wal_writer::flush() {
  bool wrote = false;
  return write_queued(wrote);
}

status wal_writer::sync_segments(uint64_t& covered) {
  std::vector<std::shared_ptr<segment>> segments;
  bool directory = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    covered = written_seq_.load();
    segments.swap(closed_);
    segments.push_back(current_);
    std::swap(directory, directory_dirty_);
  }
  status st;
  if (directory)
    st = env_.sync_directory(dir_);
  for (size_t i = 0; i < segments.size() && st.ok(); ++i)
    st = segments[i]->file->sync();
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_log(st);
  }
  // synced_seq_ only grows: a concurrent sync_now() may have covered more.
  auto seen = synced_seq_.load();
  while (covered > seen && !synced_seq_.compare_exchange_weak(seen, covered)) {
  }
  return {};
}

status wal_writer::sync_now() {
  if (auto st = flush(); !st.ok())
    return st;
  uint64_t covered = 0;
  return sync_segments(covered);
}

void wal_writer::fail_all(const status& st, bool stopping) {
  // Every record not yet durable fails; the log takes no more.
  if (on_durable_)
    on_durable_(last_seq_.load(), st);
  if (stopping)
    return;
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait(lock, [&] { return stop_; });
}

void wal_writer::writer_loop() {
  using clock = std::chrono::steady_clock;
  auto next_sync = clock::now() + interval_;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto ready = [&] { return stop_ || !queued_.empty() || !failed_.ok(); };
      if (policy_ == fsync_policy::batch)
        wake_.wait_until(lock, next_sync, ready);
      else
        wake_.wait(lock, ready);
      stopping = stop_;
    }
    bool wrote = false;
    auto written = write_queued(wrote);
    if (!written.ok())
      return fail_all(written, stopping);
    if (wrote && policy_ != fsync_policy::always && on_durable_)
      on_durable_(written_seq_.load(), written);
    bool pending_sync = written_seq_.load() > synced_seq_.load();
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_sync = pending_sync || !closed_.empty() || directory_dirty_;
    }
    bool sync = pending_sync && (policy_ == fsync_policy::always ||
                                 (policy_ == fsync_policy::batch && (stopping || clock::now() >= next_sync)));
    if (sync) {
      uint64_t covered = 0;
      auto st = sync_segments(covered);
      if (!st.ok())
        return fail_all(st, stopping);
      if (policy_ == fsync_policy::always && on_durable_)
        on_durable_(covered, st);
    }
    if (policy_ == fsync_policy::batch && clock::now() >= next_sync)
      next_sync = clock::now() + interval_;
    if (stopping) {
      std::lock_guard<std::mutex> lock(mu_);
      if (queued_.empty())
        return;
    }
  }
}

}  // namespace persona
