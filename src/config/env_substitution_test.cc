#include "config/env_substitution.h"

#include <gtest/gtest.h>

#include <map>

namespace zerofs::config {
namespace {

EnvLookup EnvOf(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string Sub(std::string_view text, const EnvLookup& env) {
  auto r = SubstituteEnv(text, env);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(EnvSubstitutionTest, ReplacesEveryReferenceAnywhere) {
  EnvLookup env = EnvOf({{"A", "x"}, {"LONG_NAME_2", "yy"}, {"EMPTY", ""}});
  EXPECT_EQ(Sub("${A}", env), "x");
  EXPECT_EQ(Sub("pre-${A}-mid-${LONG_NAME_2}-post", env), "pre-x-mid-yy-post");
  EXPECT_EQ(Sub("${A}${A}${A}", env), "xxx");
  EXPECT_EQ(Sub("[${EMPTY}]", env), "[]");
  EXPECT_EQ(Sub("no references", env), "no references");
}

TEST(EnvSubstitutionTest, SubstitutedValuesAreNotRescanned) {
  EnvLookup env = EnvOf({{"A", "${B}"}, {"B", "no"}});
  EXPECT_EQ(Sub("${A}", env), "${B}");
}

TEST(EnvSubstitutionTest, DollarDollarBraceIsALiteral) {
  EnvLookup env = EnvOf({{"HOME", "/home/u"}});
  EXPECT_EQ(Sub("$${HOME}", env), "${HOME}");
  EXPECT_EQ(Sub("a$${b}c${HOME}", env), "a${b}c/home/u");
  EXPECT_EQ(Sub("pa$$word", env), "pa$$word");
  EXPECT_EQ(Sub("cost: $5 {x}", env), "cost: $5 {x}");
  EXPECT_EQ(Sub("$", env), "$");
  EXPECT_EQ(Sub("$$", env), "$$");
}

TEST(EnvSubstitutionTest, UnsetVariableIsAnErrorNamingIt) {
  auto r = SubstituteEnv("x${ZEROFS_PASSWORD}y", EnvOf({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.error().context(), "environment variable ZEROFS_PASSWORD is not set");
}

TEST(EnvSubstitutionTest, MalformedReferencesAreErrors) {
  EnvLookup env = EnvOf({{"A", "x"}});
  auto unterminated = SubstituteEnv("${A", env);
  ASSERT_FALSE(unterminated.ok());
  EXPECT_EQ(unterminated.error().context(), "unterminated '${' (write '$${' for a literal '${')");
  for (const char* bad : {"${}", "${1A}", "${A-B}", "${ A}"}) {
    auto r = SubstituteEnv(bad, env);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().context().find("invalid environment variable name"), std::string::npos)
        << r.error().context();
  }
}

TEST(EnvSubstitutionTest, ExpandsLeadingTildeOnly) {
  EnvLookup env = EnvOf({{"HOME", "/home/u/"}});
  EXPECT_EQ(*ExpandHome("~", env), "/home/u");
  EXPECT_EQ(*ExpandHome("~/.cache/zerofs", env), "/home/u/.cache/zerofs");
  EXPECT_EQ(*ExpandHome("/abs/~/x", env), "/abs/~/x");
  EXPECT_EQ(*ExpandHome("~other/x", env), "~other/x");
  EXPECT_EQ(*ExpandHome("relative", env), "relative");
  EXPECT_EQ(*ExpandHome("~/x", EnvOf({{"HOME", "/"}})), "/x");
  EXPECT_EQ(*ExpandHome("~", EnvOf({{"HOME", "/"}})), "/");
}

TEST(EnvSubstitutionTest, TildeFallsBackToPasswdWithoutHome) {
  auto r = ExpandHome("~/x", EnvOf({}));
  // Every user running the tests has a passwd entry with a home directory.
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->front(), '/');
  EXPECT_EQ(r->substr(r->size() - 2), "/x");
}

}  // namespace
}  // namespace zerofs::config
