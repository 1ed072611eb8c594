#include "core/profile/item_catalog.hpp"

#include <algorithm>
#include <functional>

namespace persona {

namespace {

size_t partition_of(const std::string& item, size_t n) {
  return table_hash(item) % n;
}

}  // namespace

std::optional<rejection> parse_item_record(const value& v, item_record& out) {
  auto reject = [](const char* code, std::string msg) { return rejection{0, code, std::move(msg)}; };
  if (!v.is_map())
    return reject("bad_item", "each item must be a map with the keys item, category, brand, price, tags");
  auto* id = v.find("item");
  uint64_t numeric = 0;
  if (id && id->is_string())
    out.item = id->as_string();
  else if (id && id->get_uint(numeric))
    out.item = std::to_string(numeric);
  else
    return reject("bad_item", "item is required: a string of 1 to 256 bytes or an unsigned integer");
  if (out.item.empty() || out.item.size() > max_id_bytes)
    return reject("bad_item", "item must be 1 to 256 bytes long");
  if (auto* c = v.find("category"); c && !c->is_nil()) {
    if (c->is_string()) {
      out.info.categories.push_back(c->as_string());
    } else if (c->is_array()) {
      for (auto& x : c->as_array()) {
        if (!x.is_string())
          return reject("bad_category", "category must be a string or an array of strings");
        out.info.categories.push_back(x.as_string());
      }
    } else {
      return reject("bad_category", "category must be a string or an array of strings");
    }
    if (out.info.categories.size() > max_event_categories)
      return reject("bad_category", "category may list at most 16 names");
    for (auto& cat : out.info.categories)
      if (cat.empty() || cat.size() > max_id_bytes)
        return reject("bad_category", "each category must be 1 to 256 bytes long");
  }
  if (auto* b = v.find("brand"); b && !b->is_nil()) {
    if (!b->is_string() || b->as_string().empty() || b->as_string().size() > max_id_bytes)
      return reject("bad_brand", "brand must be a string of 1 to 256 bytes");
    out.info.brand = b->as_string();
  }
  if (auto* p = v.find("price"); p && !p->is_nil()) {
    if (!p->is_number() || !(p->as_double() >= 0) || !std::isfinite(p->as_double()))
      return reject("bad_price", "price must be a finite number >= 0");
    out.info.price = p->as_double();
  }
  if (auto* t = v.find("tags"); t && !t->is_nil()) {
    if (!t->is_array())
      return reject("bad_tags", "tags must be an array of strings");
    for (auto& x : t->as_array()) {
      if (!x.is_string() || x.as_string().size() > max_id_bytes)
        return reject("bad_tags", "tags must be an array of strings of at most 256 bytes");
      out.info.tags.push_back(x.as_string());
    }
  }
  return std::nullopt;
}

std::shared_ptr<const item_catalog> item_catalog::with(const std::vector<item_record>& items,
                                                       uint64_t version) const {
  auto next = std::make_shared<item_catalog>(*this);
  next->version_ = version;
  std::array<std::shared_ptr<partition>, partition_count> copies;
  for (auto& r : items) {
    auto p = partition_of(r.item, partition_count);
    if (!copies[p])
      copies[p] = parts_[p] ? std::make_shared<partition>(*parts_[p]) : std::make_shared<partition>();
    auto [it, inserted] = copies[p]->insert_or_assign(r.item, r.info);
    (void)it;
    if (inserted)
      ++next->size_;
  }
  for (size_t p = 0; p < partition_count; ++p)
    if (copies[p])
      next->parts_[p] = std::move(copies[p]);
  return next;
}

const item_info* item_catalog::find(const std::string& item) const {
  auto& part = parts_[partition_of(item, partition_count)];
  if (!part)
    return nullptr;
  auto it = part->find(item);
  return it == part->end() ? nullptr : &it->second;
}

std::vector<item_record> item_catalog::records() const {
  std::vector<item_record> out;
  out.reserve(size_);
  for (auto& part : parts_)
    if (part)
      for (auto& [item, info] : *part)
        out.push_back(item_record{item, info});
  // Partitions and their order follow a per-process seed: sort, so files
  // and answers come out the same in every process.
  std::sort(out.begin(), out.end(),
            [](const item_record& a, const item_record& b) { return a.item < b.item; });
  return out;
}

std::shared_ptr<const item_catalog> item_catalog_holder::upsert(const std::vector<item_record>& items) {
  std::lock_guard<std::mutex> guard(writer_);
  auto next = current()->with(items);
  std::atomic_store(&current_, next);
  return next;
}

void item_catalog_holder::reset(std::shared_ptr<const item_catalog> catalog) {
  std::lock_guard<std::mutex> guard(writer_);
  std::atomic_store(&current_, std::move(catalog));
}

}  // namespace persona
