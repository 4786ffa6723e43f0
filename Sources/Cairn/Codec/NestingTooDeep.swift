/// A value nested deeper than ``EncodedNode/maximumDepth`` containers.
struct NestingTooDeep: Error {}
