/**
 * Which code path this run compiled. as-pect.asconfig.json defines
 * ASPECT_EXPECT_SIMD=1 and enables SIMD; as-pect.scalar.asconfig.json defines it as 0
 * and disables SIMD. If this fails, the other specs are testing the wrong branch.
 */
describe("build: the ASC_FEATURE_SIMD branch matches the as-pect config", () => {
  it("ASC_FEATURE_SIMD == (ASPECT_EXPECT_SIMD != 0)", () => {
    // @ts-ignore: ASPECT_EXPECT_SIMD is a compile-time constant from the asconfig "use" option
    expect<bool>(ASC_FEATURE_SIMD).toBe(ASPECT_EXPECT_SIMD != 0);
  });
});
