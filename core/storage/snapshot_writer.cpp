#include "core/storage/snapshot_writer.hpp"

#include "core/storage/shard_files.hpp"
#include "core/storage/snapshot_file.hpp"

namespace persona {

result<std::unique_ptr<snapshot_writer>> snapshot_writer::start(const std::string& dir, uint64_t wal_seq,
                                                                done_callback done, file_env& env) {
  std::unique_ptr<snapshot_writer> w(new snapshot_writer());
  w->env_ = &env;
  w->dir_ = dir;
  w->path_ = dir + "/" + snapshot_name(wal_seq);
  w->tmp_path_ = w->path_ + ".tmp";
  auto file = env.create_for_write(w->tmp_path_);
  if (!file.ok())
    return file.error();
  w->file_ = std::move(*file);
  w->done_ = std::move(done);
  w->thread_ = std::thread([p = w.get()] { p->run(); });
  return w;
}

snapshot_writer::~snapshot_writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finishing_)
      abandoned_ = true;
    finishing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void snapshot_writer::write(std::string bytes) {
  if (bytes.empty())
    return;  // an empty entry in the queue marks a deferred one
  queued_ += bytes.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(bytes));
  }
  wake_.notify_one();
}

void snapshot_writer::write_later(std::function<std::string()> encode) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.emplace_back();
    deferred_.push_back(std::move(encode));
  }
  wake_.notify_one();
}

void snapshot_writer::finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    finishing_ = true;
  }
  wake_.notify_one();
}

void snapshot_writer::run() {
  status failure;
  for (;;) {
    std::string chunk;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return !queue_.empty() || finishing_; });
      if (abandoned_)
        break;
      if (queue_.empty())
        break;  // finishing, all written
      chunk = std::move(queue_.front());
      queue_.pop_front();
      if (chunk.empty() && !deferred_.empty()) {
        auto encode = std::move(deferred_.front());
        deferred_.pop_front();
        lock.unlock();
        chunk = encode();
        queued_ += chunk.size();  // counted out below like any chunk
      }
    }
    if (failure.ok())
      failure = file_->append(chunk);
    written_ += chunk.size();
    queued_ -= chunk.size();
  }
  if (abandoned_) {
    file_.reset();
    env_->remove_file(tmp_path_);
    return;
  }
  if (failure.ok())
    failure = file_->sync();
  file_.reset();
  if (failure.ok())
    failure = env_->rename_file(tmp_path_, path_);
  if (!failure.ok()) {
    // A snapshot of the same WAL record written before (nothing changed
    // since) stays as it was: it may be the only one left.
    env_->remove_file(tmp_path_);
  } else {
    // In place, whole and synced, the file stays unless it does not read
    // back; only its name may not be durable when the directory sync fails.
    failure = env_->sync_directory(dir_);
    if (failure.ok()) {
      failure = verify_snapshot(path_, *env_);
      if (!failure.ok())
        env_->remove_file(path_);
    }
  }
  done_(outcome{failure, path_, written_});
}

}  // namespace persona
