// Catch2's main, compiled once into shadecast_catch_main.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
