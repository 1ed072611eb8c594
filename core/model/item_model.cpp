#include "core/model/item_model.hpp"

#include <algorithm>

namespace persona {

bool item_model::in_category(uint32_t item, uint32_t category) const {
  auto* m = meta_of(item);
  return m && std::find(m->categories.begin(), m->categories.end(), category) != m->categories.end();
}

item_model_holder::item_model_holder()
    : items_(std::make_shared<name_index>()),
      categories_(std::make_shared<name_index>()),
      brands_(std::make_shared<name_index>()) {
  auto empty = std::make_shared<item_model>();
  empty->items = items_;
  empty->categories = categories_;
  empty->brands = brands_;
  current_ = std::move(empty);
}

}  // namespace persona
