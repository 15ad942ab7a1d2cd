/* C++ as real software uses it: exceptions thrown and caught (g++ has them
 * on by default; Emscripten's default aborted at the first throw), with
 * destructors run while unwinding, rethrow, catch (...), exceptions through
 * a function pointer and out of a constructor, std::string and containers,
 * iostreams, and a file read through mmap into a std::string_view. C++17
 * without -std, g++ 12's default (Emscripten's clang 14 defaults to C++14). */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

static std::vector<std::string> trail;

struct Guard {
  std::string name;
  explicit Guard(std::string n) : name(std::move(n)) { trail.push_back("enter " + name); }
  ~Guard() { trail.push_back("leave " + name); }
};

struct Fussy {
  explicit Fussy(int n) {
    if (n < 0) throw std::invalid_argument("negative " + std::to_string(n));
  }
};

static int depth(int n) {
  Guard g("depth " + std::to_string(n));
  if (n == 0) throw std::out_of_range("bottom");
  return depth(n - 1) + 1;
}

static void rethrow() {
  try {
    throw std::runtime_error("first");
  } catch (const std::exception &e) {
    trail.push_back(std::string("caught ") + e.what() + ", rethrowing");
    throw;
  }
}

int main() {
  try {
    depth(3);
  } catch (const std::out_of_range &e) {
    trail.push_back(std::string("out_of_range: ") + e.what());
  }
  try {
    rethrow();
  } catch (const std::runtime_error &e) {
    trail.push_back(std::string("rethrown: ") + e.what());
  }
  void (*thrower)() = [] { throw 42; };
  try {
    thrower();
  } catch (int n) {
    trail.push_back("int " + std::to_string(n));
  }
  try {
    auto p = std::make_unique<Fussy>(-7);
  } catch (const std::invalid_argument &e) {
    trail.push_back(std::string("constructor: ") + e.what());
  }
  try {
    std::vector<int> v(3);
    (void)v.at(10);
  } catch (...) {
    trail.push_back("catch (...) of vector::at");
  }
  for (const auto &line : trail) std::cout << line << '\n';

  std::map<std::string, int> counts;
  for (std::string w : {"b", "a", "b", "c", "b"}) counts[w]++;
  for (const auto &[word, n] : counts) std::cout << word << ' ' << n << '\n';

  {
    std::ofstream out("cxx.txt");
    out << "mapped through mmap\n";
  }
  int fd = open("cxx.txt", O_RDONLY);
  void *p = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return 1;
  std::string_view text(static_cast<const char *>(p), 19);
  std::cout << text << '\n';
  munmap(p, 4096);
  unlink("cxx.txt");
  return 0;
}
